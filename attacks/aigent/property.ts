// The adversarial property φ on the logits, as linear rows that must each reach a margin: either the
// target beats the predicted class (enough to change the label) or, for a given target, beats every
// other class (the input is then classified as the target).
import type { TargetChoice } from './params.js';

export interface AdversarialProperty {
  target: number;
  /** true when the target must beat every class, false when beating the predicted class is enough */
  targeted: boolean;
  /** each row r asks Σ_k rows[r][k]·logit_k ≥ margin */
  rows: Float64Array[];
}

export function adversarialProperty(target: number, predicted: number, numClasses: number, targeted: boolean): AdversarialProperty {
  const beat = (other: number): Float64Array => {
    const row = new Float64Array(numClasses);
    row[target] = 1;
    row[other] = -1;
    return row;
  };
  const others = targeted ? Array.from({ length: numClasses }, (_, k) => k).filter((k) => k !== target) : [predicted];
  return { target, targeted, rows: others.map(beat) };
}

/** The smallest slack Σ_k row_k·logit_k over the rows: φ holds with margin κ when this is ≥ κ. */
export function propertySlack(property: AdversarialProperty, logits: ArrayLike<number>): number {
  let slack = Infinity;
  for (const row of property.rows) {
    let value = 0;
    for (let k = 0; k < row.length; k++) value += row[k] * logits[k];
    slack = Math.min(slack, value);
  }
  return slack;
}

/** The classes to try as targets, in order; empty when a given target is the predicted class itself. */
export function targetClasses(choice: TargetChoice, logits: ArrayLike<number>, predicted: number): number[] {
  if (typeof choice === 'number') return choice === predicted || choice >= logits.length ? [] : [choice];
  const others = Array.from({ length: logits.length }, (_, k) => k).filter((k) => k !== predicted);
  others.sort((a, b) => logits[b] - logits[a] || a - b);
  return choice === 'second_best' ? others.slice(0, 1) : others;
}
