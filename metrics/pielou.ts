// Output impartiality (AIGENT, Khan et al., Sect. "Metrics of Evaluation"): does an attack spread its
// adversarials over all classes, or push everything into one? Measured as Pielou's evenness J = H / ln S.
//
// The paper prints the score as Σ p_i log p_i, which is ≤ 0, yet says it ranges from 0 (biased) to
// 1 (unbiased): that is Pielou's J, the Shannon entropy H = −Σ p_i ln p_i divided by its maximum ln S.
// S here is the number of classes of the task, not the number of classes that happen to occur, so
// that scores of different attacks on the same task share one scale (an attack whose adversarials
// land in 2 classes equally often scores ln 2 / ln 10 ≈ 0.30 on MNIST, not 1).

export interface PielouScore {
  /**
   * J in [0, 1]; null when there are no adversarials (no distribution to judge). A single
   * adversarial falls in one class and scores 0, which is what the formula gives and what it means.
   */
  evenness: number | null;
  /** adversarials per class: counts[c] is how many adversarials the model assigns to class c */
  counts: number[];
  total: number;
}

/** `labels` are the model's predictions on the adversarials (the class each one was pushed into). */
export function pielou(labels: ArrayLike<number>, numClasses: number): PielouScore {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new RangeError(`pielou needs at least 2 classes (ln S = 0 for S = 1), got ${numClasses}`);
  }
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new RangeError(`pielou: label ${label} at position ${i} is not a class in [0, ${numClasses})`);
    }
    counts[label]++;
  }
  const total = labels.length;
  if (total === 0) return { evenness: null, counts, total };
  let entropy = 0;
  for (const count of counts) {
    if (count > 0) {
      const p = count / total;
      entropy -= p * Math.log(p);
    }
  }
  return { evenness: entropy / Math.log(numClasses), counts, total };
}

/**
 * The distribution J summarises, as leaderboard columns: `adv_class_<c>` counts the adversarials the
 * model labels c. Two attacks with the same J can push into different classes; these say which.
 */
export function pielouClassColumns(score: PielouScore): Record<`adv_class_${number}`, number> {
  return Object.fromEntries(score.counts.map((count, c) => [`adv_class_${c}`, count]));
}
