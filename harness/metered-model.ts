// The harness counts every model query the same way for every plugin, so comparisons are at equal cost.
// Queries a plugin answers exactly without the model (incremental replay) reach the same `forward`
// counter through AttackContext.offModelForward (run-job.ts).
import type { PiecewiseLinearNet } from './piecewise/affine-view.js';
import type { LossSpec, ModelHandle } from './types.js';

export interface CostCounters {
  forward: number;
  gradient: number;
  solver_calls: number;
}

export function zeroCost(): CostCounters {
  return { forward: 0, gradient: 0, solver_calls: 0 };
}

/** A view of `model` that adds the number of images of each call to `counters`. */
export function meteredModel(model: ModelHandle, counters: CostCounters): ModelHandle {
  let view: PiecewiseLinearNet | undefined;
  const images = (x: Float32Array): number => x.length / model.inputSize;
  return {
    name: model.name,
    inputShape: model.inputShape,
    inputSize: model.inputSize,
    numClasses: model.numClasses,
    layers: model.layers,
    predict(x: Float32Array) {
      counters.forward += images(x);
      return model.predict(x);
    },
    classify(x: Float32Array) {
      counters.forward += images(x);
      return model.classify(x);
    },
    inputGradient(x: Float32Array, loss: LossSpec) {
      counters.gradient += images(x);
      return model.inputGradient(x, loss);
    },
    neuronLayers: model.neuronLayers,
    /** a forward pass that reads the hidden layers instead of the logits */
    activations(x: Float32Array) {
      counters.forward += images(x);
      return model.activations(x);
    },
    // the same view each call (plugins may cache per view), counting its forward traces
    piecewiseLinear: () => (view ??= { ...model.piecewiseLinear(), onForward: (images: number) => (counters.forward += images) }),
  };
}
