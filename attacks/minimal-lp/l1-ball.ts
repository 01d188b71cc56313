// The exact range of a linear function over the L1 ball around x0 intersected with the pixel box:
// a fractional knapsack, so spending the budget on the largest |g_i| first (each pixel only as far as
// the box lets it move) is optimal. The budget runs out after a handful of pixels, so a heap finds
// them in O(n + k log n) instead of sorting all n.

export interface LinearRange {
  /** min over the ball of g·Δ (≤ 0) */
  down: number;
  /** max over the ball of g·Δ (≥ 0) */
  up: number;
}

export function rangeOverBall(g: ArrayLike<number>, x0: ArrayLike<number>, radius: number): LinearRange {
  return { down: -maxGain(g, x0, radius, -1), up: maxGain(g, x0, radius, 1) };
}

/** max over the ball of g·Δ */
export function maxOverBall(g: ArrayLike<number>, x0: ArrayLike<number>, radius: number): number {
  return maxGain(g, x0, radius, 1);
}

/** max of direction·g·Δ: pixel i moves towards the side where direction·g_i·Δ_i grows, by at most its room. */
function maxGain(g: ArrayLike<number>, x0: ArrayLike<number>, radius: number, direction: 1 | -1): number {
  const gains = new Float64Array(g.length);
  const rooms = new Float64Array(g.length);
  let count = 0;
  let totalRoom = 0;
  let everything = 0;
  for (let i = 0; i < g.length; i++) {
    const gi = direction * g[i];
    if (gi === 0) continue;
    const room = gi > 0 ? 1 - x0[i] : x0[i];
    if (room <= 0) continue;
    gains[count] = Math.abs(gi);
    rooms[count] = room;
    totalRoom += room;
    everything += room * Math.abs(gi);
    count++;
  }
  if (totalRoom <= radius) return everything;
  for (let i = (count >> 1) - 1; i >= 0; i--) siftDown(gains, rooms, i, count);
  let budget = radius;
  let gain = 0;
  while (budget > 0 && count > 0) {
    const step = Math.min(rooms[0], budget);
    gain += step * gains[0];
    budget -= step;
    count--;
    gains[0] = gains[count];
    rooms[0] = rooms[count];
    siftDown(gains, rooms, 0, count);
  }
  return gain;
}

/** max-heap on gains, rooms moving along */
function siftDown(gains: Float64Array, rooms: Float64Array, start: number, count: number): void {
  let i = start;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let largest = i;
    if (left < count && gains[left] > gains[largest]) largest = left;
    if (right < count && gains[right] > gains[largest]) largest = right;
    if (largest === i) return;
    [gains[i], gains[largest]] = [gains[largest], gains[i]];
    [rooms[i], rooms[largest]] = [rooms[largest], rooms[i]];
    i = largest;
  }
}
