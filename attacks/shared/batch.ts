// Plugins send a whole chunk through the model per step: samples are packed row by row.

export function stack(rows: readonly Float32Array[], size: number): Float32Array {
  const batch = new Float32Array(rows.length * size);
  rows.forEach((row, n) => batch.set(row, n * size));
  return batch;
}

/** A view of row n; copy it (slice) before keeping it beyond the batch's life. */
export function row(batch: Float32Array, n: number, size: number): Float32Array {
  return batch.subarray(n * size, (n + 1) * size);
}
