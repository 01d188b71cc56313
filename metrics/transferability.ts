// Transferability (Papernot et al. 2016; Szegedy et al. 2014 first observed it): the share of one
// model's adversarials that another model, which the attack never queried, also misclassifies.
// gauntlet measures it on mnist-mlp-30x5-adv, a PGD-hardened model, so a high share means the
// adversarials carry a perturbation that fools even a robustly trained network.
import type { ModelHandle } from '../harness/types.js';

export const TRANSFER_MODEL = 'mnist-mlp-30x5-adv';

export interface TransferCase {
  adversarial: Float32Array;
  label: number;
}

/** Share in [0, 1] of the cases `model` labels other than their true label, by one batched classification; null when there are none. */
export async function transferability(model: ModelHandle, cases: readonly TransferCase[]): Promise<number | null> {
  if (cases.length === 0) return null;
  const batch = new Float32Array(cases.length * model.inputSize);
  cases.forEach((c, k) => batch.set(c.adversarial, k * model.inputSize));
  const predictions = await model.classify(batch);
  return cases.filter((c, k) => predictions[k] !== c.label).length / cases.length;
}
