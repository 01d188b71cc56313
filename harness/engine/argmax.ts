// The predicted class of each row of a logits matrix; the first maximum wins a tie, everywhere.

export function argmaxRows(logits: Float32Array, classes: number): Int32Array {
  const rows = logits.length / classes;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const offset = r * classes;
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[offset + k] > logits[offset + best]) best = k;
    out[r] = best;
  }
  return out;
}
