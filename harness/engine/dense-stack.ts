// A model that is nothing but a stack of dense layers (an optional Flatten, then Dense layers with
// ReLU or linear activations, the last one linear: the zoo's MLPs) computed straight on the native
// kernels (kernels/native-kernels.ts), without tfjs: matrix products, and for the cross-entropy
// gradient the softmax and the ReLU masks too. For such small models tfjs's per-op cost and the copy
// of the batch into the wasm heap were most of the time: on mnist-mlp-60-30 at batch 1024 a forward
// pass took 1.48 ms through tfjs and 0.63 ms here, a cross-entropy input gradient 5.39 ms and, with
// the softmax and masks in JavaScript, 1.83 ms (2 threads). Those JavaScript loops took 1 ms of a
// 3.4 ms call on a slower day; with them native, the call took 1.7 ms. The logits are the tfjs
// path's bit for bit (the same kernel computes each layer); the gradient agrees to about 2e-6 of
// its scale (softmax in float64 here).
import * as tf from '@tensorflow/tfjs';
import type { InputGradient } from '../types.js';
import { nativeKernels, nativeThreads, type NativeKernels } from './kernels/native-kernels.js';

interface DenseLayer {
  inputs: number;
  units: number;
  kernel: Float32Array;
  bias: Float32Array | null;
  relu: boolean;
}

export interface DenseStack {
  /** logits of `rows` rows, or undefined when the native kernels do not run here (use tfjs then) */
  forward(x: Float32Array, rows: number): Float32Array | undefined;
  /** the per-sample cross-entropy loss, its input gradient and the logits, or undefined as above */
  crossEntropyGradient(x: Float32Array, rows: number, labels: Int32Array): InputGradient | undefined;
}

/**
 * The model as a dense stack, or undefined when it has any other kind of layer. The weights are read
 * once, here: handles are made from trained models, and nothing in gauntlet changes a model's weights
 * after its handle exists (training runs on the tfjs model and wraps it afterwards).
 */
export function denseStack(model: tf.LayersModel): DenseStack | undefined {
  const layers: DenseLayer[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer' || (className === 'Flatten' && layers.length === 0)) continue;
    if (className !== 'Dense') return undefined;
    const activation = String(layer.getConfig().activation ?? 'linear');
    if (activation !== 'relu' && activation !== 'linear') return undefined;
    const [kernel, bias] = layer.getWeights();
    if (kernel === undefined || kernel.shape.length !== 2) return undefined;
    layers.push({
      inputs: kernel.shape[0],
      units: kernel.shape[1],
      kernel: kernel.dataSync() as Float32Array,
      bias: bias === undefined ? null : (bias.dataSync() as Float32Array),
      relu: activation === 'relu',
    });
  }
  const last = layers[layers.length - 1];
  if (last === undefined || last.relu) return undefined;
  for (let l = 1; l < layers.length; l++) if (layers[l].inputs !== layers[l - 1].units) return undefined;
  return new NativeDenseStack(layers);
}

class NativeDenseStack implements DenseStack {
  /**
   * Buffers for the values no caller sees (hidden layers' outputs, the gradients between layers),
   * kept from call to call: a fresh typed array per layer and call made V8 collect garbage every few
   * calls (external-memory pressure), which cost more than the small layers' products. The methods
   * are synchronous, so no two calls share them at once.
   */
  private readonly scratch = new Map<string, Float32Array>();

  constructor(private readonly layers: readonly DenseLayer[]) {}

  private buffer(role: string, length: number): Float32Array {
    let buffer = this.scratch.get(role);
    if (buffer?.length !== length) {
      buffer = new Float32Array(length);
      this.scratch.set(role, buffer);
    }
    return buffer;
  }

  /** out = relu?(a · b + bias): rows × k times k × n (or b transposed: n × k) */
  private product(k: NativeKernels, rows: number, inner: number, n: number, a: Float32Array, b: Float32Array, transposeB: boolean, bias: Float32Array | null, relu: boolean, out: Float32Array): void {
    k.matMul(Int32Array.of(1, rows, inner, n, 0, transposeB ? 1 : 0, 0, 0, nativeThreads()), a, b, bias, relu, out);
  }

  /** each layer's output, the input first; the last (the logits) is a fresh array, the others scratch */
  private activations(k: NativeKernels, x: Float32Array, rows: number): Float32Array[] {
    const outputs = [x];
    this.layers.forEach((layer, l) => {
      const length = rows * layer.units;
      const out = l === this.layers.length - 1 ? new Float32Array(length) : this.buffer(`output ${l}`, length);
      this.product(k, rows, layer.inputs, layer.units, outputs[l], layer.kernel, false, layer.bias, layer.relu, out);
      outputs.push(out);
    });
    return outputs;
  }

  /** the native kernels when this thread runs on wasm with them (other backends keep their own) */
  private kernels(): NativeKernels | undefined {
    return tf.getBackend() === 'wasm' ? nativeKernels() : undefined;
  }

  forward(x: Float32Array, rows: number): Float32Array | undefined {
    const k = this.kernels();
    if (k === undefined) return undefined;
    const outputs = this.activations(k, x, rows);
    return outputs[outputs.length - 1];
  }

  crossEntropyGradient(x: Float32Array, rows: number, labels: Int32Array): InputGradient | undefined {
    const k = this.kernels();
    if (k === undefined) return undefined;
    const outputs = this.activations(k, x, rows);
    const logits = outputs[outputs.length - 1];
    const classes = this.layers[this.layers.length - 1].units;
    // loss logSumExp(logits) − logit[label]; its gradient softmax(logits) − onehot(label)
    const loss = new Float32Array(rows);
    let upstream = this.buffer('logits gradient', rows * classes);
    k.softmaxCrossEntropy(Int32Array.of(rows, classes), logits, labels, loss, upstream);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const length = rows * layer.inputs;
      // the input gradient goes to the caller: a fresh array; the gradients between layers are scratch
      const down = l === 0 ? new Float32Array(length) : this.buffer(`input gradient ${l}`, length);
      this.product(k, rows, layer.units, layer.inputs, upstream, layer.kernel, true, null, false, down);
      // back through the ReLU of the layer below: nothing passes where its output was not positive
      if (this.layers[l - 1]?.relu === true) k.reluMask(outputs[l], down);
      upstream = down;
    }
    return { gradient: upstream, loss, logits };
  }
}
