// A matrix stored by rows, only the non-zeros (CSR). Unrolled convolutions are mostly zeros: the
// second conv of mnist-cnn-l0tre would take 6 GB dense and takes 150 MB this way.

export class SparseRows {
  constructor(
    readonly rows: number,
    readonly cols: number,
    /** row r's entries are at rowStart[r] .. rowStart[r+1]-1 */
    readonly rowStart: Int32Array,
    readonly colIndex: Int32Array,
    readonly values: Float64Array,
  ) {}

  static fromDense(rows: number, cols: number, data: ArrayLike<number>): SparseRows {
    const builder = new SparseRowsBuilder(rows, cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = data[r * cols + c];
        if (v !== 0) builder.add(c, v);
      }
      builder.endRow();
    }
    return builder.build();
  }

  /** y = A x */
  multiply(x: ArrayLike<number>): Float64Array {
    const y = new Float64Array(this.rows);
    for (let r = 0; r < this.rows; r++) {
      let sum = 0;
      for (let k = this.rowStart[r]; k < this.rowStart[r + 1]; k++) sum += this.values[k] * x[this.colIndex[k]];
      y[r] = sum;
    }
    return y;
  }

  /** row r as a dense vector */
  denseRow(r: number): Float64Array {
    const out = new Float64Array(this.cols);
    for (let k = this.rowStart[r]; k < this.rowStart[r + 1]; k++) out[this.colIndex[k]] = this.values[k];
    return out;
  }

  get nonZeros(): number {
    return this.rowStart[this.rows];
  }

  /** Aᵀ: columns become rows (to follow one input through the layers). */
  transpose(): SparseRows {
    const counts = new Int32Array(this.cols + 1);
    for (let k = 0; k < this.nonZeros; k++) counts[this.colIndex[k] + 1]++;
    for (let c = 0; c < this.cols; c++) counts[c + 1] += counts[c];
    const colIndex = new Int32Array(this.nonZeros);
    const values = new Float64Array(this.nonZeros);
    const next = counts.slice(0, this.cols);
    for (let r = 0; r < this.rows; r++) {
      for (let k = this.rowStart[r]; k < this.rowStart[r + 1]; k++) {
        const at = next[this.colIndex[k]]++;
        colIndex[at] = r;
        values[at] = this.values[k];
      }
    }
    return new SparseRows(this.cols, this.rows, counts, colIndex, values);
  }
}

/** Appends rows one at a time, growing its buffers as needed. */
export class SparseRowsBuilder {
  private rowStart: number[] = [0];
  private colIndex = new Int32Array(1024);
  private values = new Float64Array(1024);
  private count = 0;

  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {}

  add(col: number, value: number): void {
    if (this.count === this.values.length) {
      const colIndex = new Int32Array(this.count * 2);
      colIndex.set(this.colIndex);
      this.colIndex = colIndex;
      const values = new Float64Array(this.count * 2);
      values.set(this.values);
      this.values = values;
    }
    this.colIndex[this.count] = col;
    this.values[this.count] = value;
    this.count++;
  }

  endRow(): void {
    this.rowStart.push(this.count);
  }

  build(): SparseRows {
    if (this.rowStart.length !== this.rows + 1) throw new Error(`built ${this.rowStart.length - 1} rows, expected ${this.rows}`);
    return new SparseRows(this.rows, this.cols, Int32Array.from(this.rowStart), this.colIndex.slice(0, this.count), this.values.slice(0, this.count));
  }
}
