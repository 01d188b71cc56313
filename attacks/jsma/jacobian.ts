// The two rows of the logits' Jacobian JSMA needs per sample: ∇z_t of the target logit and ∇Σ_k z_k
// (then Σ_{j≠t} ∇z_j is their difference), as gradients of weighted logits (the `objective` loss).
// The piecewise-linear view gives the same rows independently for ReLU networks (the gradient under
// the input's own activation pattern); the test checks the two agree.
import { forwardTrace, type PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import type { ModelHandle } from '../../harness/types.js';

export interface TargetGradients {
  /** ∇z_target, [samples, inputSize] */
  target: Float32Array;
  /** ∇Σ_k z_k, [samples, inputSize] */
  sum: Float32Array;
}

export interface JacobianSource {
  readonly name: 'model' | 'piecewise-linear';
  gradients(x: Float32Array, targets: Int32Array): Promise<TargetGradients>;
}

/**
 * Through the model handle, so the harness counts every gradient and the worker pool computes
 * them: each sample twice, once weighting its target logit, once every logit (the `objective` loss).
 */
export function jacobianSource(model: ModelHandle): JacobianSource {
  const { inputSize, numClasses } = model;
  return {
    name: 'model',
    async gradients(x, targets) {
      const samples = targets.length;
      const input = new Float32Array(2 * samples * inputSize);
      const logitWeights = new Float32Array(2 * samples * numClasses);
      for (let s = 0; s < samples; s++) {
        const row = x.subarray(s * inputSize, (s + 1) * inputSize);
        input.set(row, 2 * s * inputSize);
        input.set(row, (2 * s + 1) * inputSize);
        logitWeights[2 * s * numClasses + targets[s]] = 1;
        logitWeights.fill(1, (2 * s + 1) * numClasses, (2 * s + 2) * numClasses);
      }
      const neurons = Array.from({ length: 2 * samples }, () => []);
      const { gradient } = await model.inputGradient(input, { kind: 'objective', logitWeights, neurons });
      const target = new Float32Array(samples * inputSize);
      const sum = new Float32Array(samples * inputSize);
      for (let s = 0; s < samples; s++) {
        target.set(gradient.subarray(2 * s * inputSize, (2 * s + 1) * inputSize), s * inputSize);
        sum.set(gradient.subarray((2 * s + 1) * inputSize, (2 * s + 2) * inputSize), s * inputSize);
      }
      return { target, sum };
    },
  };
}

/** Back-propagates a weighting of the logits through the affine maps, masked by x's ReLU phases. */
/** An independent computation of the same rows, to check the model's (test/jsma). */
export function piecewiseJacobian(net: PiecewiseLinearNet, numClasses: number): JacobianSource {
  const backward = (pre: Float64Array[], seed: Float64Array): Float32Array => {
    let g = seed;
    for (let l = net.layers.length - 1; l >= 0; l--) {
      const layer = net.layers[l];
      const { rowStart, colIndex, values } = layer.weights;
      const down = new Float64Array(layer.weights.cols);
      for (let r = 0; r < layer.weights.rows; r++) {
        const gr = layer.relu && pre[l][r] <= 0 ? 0 : g[r];
        if (gr === 0) continue;
        for (let k = rowStart[r]; k < rowStart[r + 1]; k++) down[colIndex[k]] += values[k] * gr;
      }
      g = down;
    }
    return Float32Array.from(g);
  };
  return {
    name: 'piecewise-linear',
    async gradients(x, targets) {
      const n = net.inputSize;
      const target = new Float32Array(targets.length * n);
      const sum = new Float32Array(targets.length * n);
      targets.forEach((t, s) => {
        const { pre } = forwardTrace(net, x.subarray(s * n, (s + 1) * n));
        const onlyTarget = new Float64Array(numClasses);
        onlyTarget[t] = 1;
        target.set(backward(pre, onlyTarget), s * n);
        sum.set(backward(pre, new Float64Array(numClasses).fill(1)), s * n);
      });
      return { target, sum };
    },
  };
}
