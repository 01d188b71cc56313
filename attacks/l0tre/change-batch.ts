// A batch of t-pixel perturbations described by their changes, not materialised: `width` pixels of
// sample `slots[q]` set to given values. The incremental evaluator never needs the full image.

export class ChangeBatch {
  readonly slots: Int32Array;
  readonly pixels: Int32Array;
  readonly values: Float32Array;
  size = 0;

  constructor(
    /** pixels changed per query: t */
    readonly width: number,
    readonly capacity: number,
  ) {
    this.slots = new Int32Array(capacity);
    this.pixels = new Int32Array(capacity * width);
    this.values = new Float32Array(capacity * width);
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  /** Appends a query; `pixels`/`values` are read from `offset`, `width` of each. */
  push(slot: number, pixels: ArrayLike<number>, values: ArrayLike<number>, offset = 0): void {
    const q = this.size++;
    this.slots[q] = slot;
    const at = q * this.width;
    for (let k = 0; k < this.width; k++) {
      this.pixels[at + k] = pixels[offset + k];
      this.values[at + k] = values[offset + k];
    }
  }

  clear(): void {
    this.size = 0;
  }
}
