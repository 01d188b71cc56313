// Picks how a chunk's perturbed inputs are evaluated. The receptive-field evaluator is used only when
// the network reads as a layer stack whose logits agree with the model's on the chunk's first samples;
// 'auto' falls back to the model (and says why), an explicit choice fails instead.
import type { ModelHandle, QueryCounter } from '../../harness/types.js';
import { modelEvaluator, type LogitEvaluator } from './evaluator.js';
import { readLayerStack, trace, type LayerStack } from './layer-stack.js';
import { layersModelOf } from './layers-model.js';
import type { L0treParams } from './params.js';
import { ReceptiveFieldEvaluator } from './receptive-field.js';

/** Largest disagreement with the model's logits, relative to their size, that float32 arithmetic explains. */
const AGREEMENT = 1e-4;

/** Samples compared: the weights are what is checked, and any input shows a difference in them. */
const CHECKED_SAMPLES = 4;

/** The model's layer stack, once its logits are seen to be the model's own; or why it cannot be had. */
export async function verifiedLayerStack(model: ModelHandle, originals: readonly Float32Array[], baseLogits: Float32Array): Promise<LayerStack | { unsupported: string }> {
  const layers = await layersModelOf(model);
  if (layers === undefined) return { unsupported: 'its layers cannot be read' };
  const stack = readLayerStack(layers);
  if ('unsupported' in stack) return stack;
  const classes = model.numClasses;
  for (let slot = 0; slot < Math.min(CHECKED_SAMPLES, originals.length); slot++) {
    const own = trace(stack, originals[slot]).logits;
    let scale = 1;
    let worst = 0;
    for (let k = 0; k < classes; k++) {
      const theirs = baseLogits[slot * classes + k];
      scale = Math.max(scale, Math.abs(theirs));
      worst = Math.max(worst, Math.abs(own[k] - theirs));
    }
    if (worst > AGREEMENT * scale) return { unsupported: `its layers give logits ${worst.toPrecision(3)} away from the model's` };
  }
  return stack;
}

export async function selectEvaluator(
  choice: L0treParams['evaluator'],
  model: ModelHandle,
  originals: readonly Float32Array[],
  baseLogits: Float32Array,
  /** the harness's count of queries answered without the model (ctx.offModelForward) */
  offModel: QueryCounter,
  log: (message: string) => void,
): Promise<LogitEvaluator> {
  if (choice === 'model') return modelEvaluator(model, originals);
  const stack = await verifiedLayerStack(model, originals, baseLogits);
  if (!('unsupported' in stack)) return new ReceptiveFieldEvaluator(stack, model, originals, offModel);
  if (choice === 'receptive-field') throw new Error(`the receptive-field evaluator cannot run on ${model.name}: ${stack.unsupported}`);
  log(`l0tre: evaluating perturbations with the model (${stack.unsupported})`);
  return modelEvaluator(model, originals);
}
