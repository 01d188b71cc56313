// The harness, not the plugin, decides whether a claimed adversarial holds: every claim is
// re-predicted and checked against the pixel box and the plugin's own declared threat model.
import { distances, type Distances } from '../metrics/distances.js';
import type { ModelHandle, ThreatModel } from './types.js';

export interface Claim {
  original: Float32Array;
  adversarial: Float32Array;
  /** the true label; the adversarial must not be classified as it */
  label: number;
  /** for targeted claims, the class the adversarial must be classified as */
  target?: number;
}

export type Verdict =
  | { valid: true; prediction: number; distances: Distances }
  /** prediction and distances are null when the input could not be measured or classified */
  | { valid: false; reason: string; prediction: number | null; distances: Distances | null };

/**
 * Slack on the budget for float32 arithmetic: a plugin that computes x + ε in float32 may land a
 * few ulps outside the ball without meaning to break its promise.
 */
export const BUDGET_TOLERANCE = 1e-6;

export async function validateClaims(model: ModelHandle, claims: readonly Claim[], threat: ThreatModel): Promise<Verdict[]> {
  const verdicts: (Verdict | undefined)[] = new Array(claims.length);
  const pending: { index: number; distances: Distances; failure?: string }[] = [];

  for (let i = 0; i < claims.length; i++) {
    const claim = claims[i];
    const unmeasurable = shapeFailure(claim, model.inputSize);
    if (unmeasurable !== undefined) {
      verdicts[i] = { valid: false, reason: unmeasurable, prediction: null, distances: null };
      continue;
    }
    const measured = distances(claim.original, claim.adversarial);
    // Out-of-box and over-budget inputs are still classified, so their record says what the model saw.
    pending.push({ index: i, distances: measured, failure: boxFailure(claim.adversarial) ?? threatFailure(measured, threat) });
  }

  if (pending.length > 0) {
    const batch = new Float32Array(pending.length * model.inputSize);
    pending.forEach(({ index }, row) => batch.set(claims[index].adversarial, row * model.inputSize));
    const predictions = await model.classify(batch);
    pending.forEach(({ index, distances: measured, failure }, row) => {
      const prediction = predictions[row];
      const reason = failure ?? labelFailure(prediction, claims[index]);
      verdicts[index] =
        reason === undefined
          ? { valid: true, prediction, distances: measured }
          : { valid: false, reason, prediction, distances: measured };
    });
  }
  return verdicts as Verdict[];
}

function shapeFailure(claim: Claim, inputSize: number): string | undefined {
  if (claim.adversarial.length !== inputSize) {
    return `adversarial has ${claim.adversarial.length} values, the model takes ${inputSize}`;
  }
  if (claim.original.length !== inputSize) {
    return `original has ${claim.original.length} values, the model takes ${inputSize}`;
  }
  const index = claim.adversarial.findIndex((v) => !Number.isFinite(v));
  if (index >= 0) return `adversarial value ${claim.adversarial[index]} at index ${index} is not finite`;
  return undefined;
}

function boxFailure(adversarial: Float32Array): string | undefined {
  const index = adversarial.findIndex((v) => v < 0 || v > 1);
  return index < 0 ? undefined : `adversarial value ${float32String(adversarial[index])} at index ${index} is outside [0, 1]`;
}

function threatFailure(measured: Distances, threat: ThreatModel): string | undefined {
  if (threat.norm === 'unbounded') return undefined;
  const value = measured[threat.norm];
  return value <= threat.budget + BUDGET_TOLERANCE
    ? undefined
    : `${threat.norm} distance ${Number(value.toPrecision(10))} exceeds the budget ${threat.budget}`;
}

function labelFailure(prediction: number, claim: Claim): string | undefined {
  if (prediction === claim.label) return `model predicts ${prediction}, the true label`;
  if (claim.target !== undefined && prediction !== claim.target) {
    return `model predicts ${prediction}, not the claimed target ${claim.target}`;
  }
  return undefined;
}

/** The shortest decimal that reads back as the same float32: 1.0000001, not 1.0000001192092896. */
function float32String(value: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(value);
}
