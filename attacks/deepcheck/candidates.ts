// The order in which DeepCheck-tPA makes pixels symbolic. `scan` walks the image from the top-left
// corner; `importance` goes down the importance ranking; `shortlist` stops after the top k%. Pairs
// follow the same orders, and the ranked ones grow the set of pixels one at a time — every pair
// within the top m comes before any pair that needs pixel m+1 — so "an attack within the top 4
// pixels" means "within the first C(4,2) = 6 pairs", as the paper counts it.
export type SearchOrder = 'scan' | 'importance' | 'shortlist';

export const SEARCH_ORDERS: readonly SearchOrder[] = ['scan', 'importance', 'shortlist'];

/** The pixels the order draws from, in order. */
export function orderedPixels(order: SearchOrder, ranking: Int32Array, shortlist: number): Int32Array {
  if (order === 'scan') return Int32Array.from(ranking.keys());
  return order === 'importance' ? ranking : ranking.subarray(0, shortlist);
}

export function candidateCount(t: 1 | 2, pixels: number): number {
  return t === 1 ? pixels : (pixels * (pixels - 1)) / 2;
}

/** Single pixels, or pairs (ascending pixel indices) in the growing-set order described above. */
export function* candidates(t: 1 | 2, order: SearchOrder, pixels: Int32Array): Generator<number[]> {
  if (t === 1) {
    for (const p of pixels) yield [p];
    return;
  }
  if (order === 'scan') {
    for (let i = 0; i < pixels.length; i++) for (let j = i + 1; j < pixels.length; j++) yield [pixels[i], pixels[j]];
    return;
  }
  for (let m = 1; m < pixels.length; m++) {
    for (let i = 0; i < m; i++) yield pixels[i] < pixels[m] ? [pixels[i], pixels[m]] : [pixels[m], pixels[i]];
  }
}
