// Quantisation survival: an adversarial saved as an 8-bit image has every pixel rounded to k/255.
// Perturbations finer than half a grey level vanish, so an attack whose adversarials do not survive
// does not produce images that can be stored or shown as they are (cf. Carlini & Wagner 2017, who
// round their adversarials to valid 8-bit images for this reason).
import type { ModelHandle } from '../harness/types.js';

export const LEVELS = 255;

/** Every value in [0, 1] rounded to the nearest k/levels (ties upwards, as Math.round does). */
export function quantise(x: Float32Array, levels = LEVELS): Float32Array {
  return x.map((v) => Math.round(v * levels) / levels);
}

export interface QuantisedCase {
  adversarial: Float32Array;
  label: number;
  /** a targeted adversarial must stay at its target to count as surviving */
  target: number | null;
}

/**
 * Share in [0, 1] of the cases still adversarial after quantisation (labelled other than the true
 * label, and as the target when there is one), by one batched classification; null when there are none.
 */
export async function quantisationSurvival(model: ModelHandle, cases: readonly QuantisedCase[]): Promise<number | null> {
  if (cases.length === 0) return null;
  const batch = new Float32Array(cases.length * model.inputSize);
  cases.forEach((c, k) => batch.set(quantise(c.adversarial), k * model.inputSize));
  const predictions = await model.classify(batch);
  let survived = 0;
  cases.forEach((c, k) => {
    if (predictions[k] !== c.label && (c.target === null || predictions[k] === c.target)) survived++;
  });
  return survived / cases.length;
}
