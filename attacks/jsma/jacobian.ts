// The two rows of the logits' Jacobian JSMA needs per sample: ∇z_t of the target logit and ∇Σ_k z_k
// (then Σ_{j≠t} ∇z_j is their difference). Both depend on the logits themselves, not only on their
// differences, so no shift-invariant loss of ModelHandle.inputGradient yields them: they are read
// from the network, by tfjs autodiff where its layers are reachable, else exactly from the
// piecewise-linear view (the gradient of a ReLU network under the input's own activation pattern).
import * as tf from '@tensorflow/tfjs';
import { forwardTrace, type PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import type { ModelHandle } from '../../harness/types.js';
import { layersModelOf } from '../shared/layers-model.js';

export interface TargetGradients {
  /** ∇z_target, [samples, inputSize] */
  target: Float32Array;
  /** ∇Σ_k z_k, [samples, inputSize] */
  sum: Float32Array;
}

export interface JacobianSource {
  readonly name: 'tfjs' | 'piecewise-linear';
  gradients(x: Float32Array, targets: Int32Array): Promise<TargetGradients>;
}

/** Rows per autodiff call: bounds the activations kept for the backward pass. */
const ROWS_PER_CALL = 256;

export async function jacobianSource(model: ModelHandle): Promise<JacobianSource> {
  const layers = await layersModelOf(model);
  if (layers !== undefined) return autodiff(layers, model);
  return piecewise(model.piecewiseLinear(), model.numClasses);
}

/** Each sample twice: once weighting its target logit, once every logit; one backward pass for all. */
function autodiff(layers: tf.LayersModel, model: ModelHandle): JacobianSource {
  const { inputSize, numClasses, inputShape } = model;
  return {
    name: 'tfjs',
    async gradients(x, targets) {
      const samples = targets.length;
      const out = new Float32Array(2 * samples * inputSize);
      for (let start = 0; start < 2 * samples; start += ROWS_PER_CALL) {
        const rows = Math.min(ROWS_PER_CALL, 2 * samples - start);
        const input = new Float32Array(rows * inputSize);
        const weights = new Float32Array(rows * numClasses);
        for (let r = 0; r < rows; r++) {
          const row = start + r;
          const sample = row >> 1;
          input.set(x.subarray(sample * inputSize, (sample + 1) * inputSize), r * inputSize);
          if (row % 2 === 0) weights[r * numClasses + targets[sample]] = 1;
          else weights.fill(1, r * numClasses, (r + 1) * numClasses);
        }
        const gradient = tf.tidy(() => {
          const w = tf.tensor2d(weights, [rows, numClasses]);
          const f = (inp: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layers.apply(inp, { training: false }) as tf.Tensor, w));
          return tf.grad(f)(tf.tensor(input, [rows, ...inputShape]));
        });
        try {
          out.set(await gradient.data(), start * inputSize);
        } finally {
          gradient.dispose();
        }
      }
      const target = new Float32Array(samples * inputSize);
      const sum = new Float32Array(samples * inputSize);
      for (let s = 0; s < samples; s++) {
        target.set(out.subarray(2 * s * inputSize, (2 * s + 1) * inputSize), s * inputSize);
        sum.set(out.subarray((2 * s + 1) * inputSize, (2 * s + 2) * inputSize), s * inputSize);
      }
      return { target, sum };
    },
  };
}

/** Back-propagates a weighting of the logits through the affine maps, masked by x's ReLU phases. */
function piecewise(net: PiecewiseLinearNet, numClasses: number): JacobianSource {
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
