// A ModelHandle in plain JS for a hand-built linear classifier z = W x + b, with analytic input
// gradients: known-answer tests can then say exactly which adversarials exist, with no tfjs involved.
import { SparseRows } from '../../harness/piecewise/sparse-rows.js';
import type { LayerSummary, LossSpec, ModelHandle, NeuronLayer } from '../../harness/types.js';

export interface LinearModelSpec {
  /** one row of input weights per class */
  weights: readonly (readonly number[])[];
  bias: readonly number[];
  name?: string;
  inputShape?: readonly number[];
}

/** Batch size of every model call, in order, so tests can assert that plugins batch. */
export interface CallLog {
  predict: number[];
  classify: number[];
  gradient: number[];
}

export interface LinearModel extends ModelHandle {
  readonly calls: CallLog;
  /** batch size of every activations call (apart from `calls`, which tests compare whole) */
  readonly activationCalls: number[];
  /** logits of one input, in float64 */
  logits(x: ArrayLike<number>): number[];
}

export function linearModel(spec: LinearModelSpec): LinearModel {
  const numClasses = spec.weights.length;
  const inputSize = spec.weights[0].length;
  if (spec.bias.length !== numClasses || spec.weights.some((row) => row.length !== inputSize)) {
    throw new RangeError('linearModel: weights must be numClasses × inputSize and bias numClasses long');
  }
  const inputShape = spec.inputShape ?? [inputSize];
  const layers: LayerSummary[] = [
    { name: 'dense', className: 'Dense', activation: 'linear', outputShape: [numClasses], params: numClasses * (inputSize + 1) },
  ];
  // Its one neuron layer is the logits layer: the activations are the logits.
  const neuronLayers: NeuronLayer[] = [
    { name: 'dense', className: 'Dense', units: numClasses, weightMeans: spec.weights.map((row) => row.reduce((a, b) => a + b, 0) / inputSize) },
  ];
  const calls: CallLog = { predict: [], classify: [], gradient: [] };
  const activationCalls: number[] = [];

  const logits = (x: ArrayLike<number>, offset = 0): number[] =>
    spec.weights.map((row, k) => {
      let z = spec.bias[k];
      for (let i = 0; i < inputSize; i++) z += row[i] * x[offset + i];
      return z;
    });

  const batchSize = (x: Float32Array): number => {
    if (x.length % inputSize !== 0) throw new RangeError(`input of ${x.length} values is not a batch of ${inputSize}`);
    return x.length / inputSize;
  };

  const allLogits = (x: Float32Array): number[][] =>
    Array.from({ length: batchSize(x) }, (_, n) => logits(x, n * inputSize));

  return {
    name: spec.name ?? 'linear',
    inputShape,
    inputSize,
    numClasses,
    layers,
    neuronLayers,
    calls,
    activationCalls,
    logits: (x) => logits(x),
    piecewiseLinear: () => ({
      name: spec.name ?? 'linear',
      inputShape: [...inputShape],
      inputSize,
      layers: [
        {
          name: 'dense',
          weights: SparseRows.fromDense(numClasses, inputSize, spec.weights.flat()),
          bias: Float64Array.from(spec.bias),
          relu: false,
          outputShape: [numClasses],
        },
      ],
    }),
    async predict(x) {
      calls.predict.push(batchSize(x));
      return Float32Array.from(allLogits(x).flat());
    },
    async classify(x) {
      calls.classify.push(batchSize(x));
      return Int32Array.from(allLogits(x).map(argmax));
    },
    async activations(x) {
      activationCalls.push(batchSize(x));
      return [Float32Array.from(allLogits(x).flat())];
    },
    async inputGradient(x, loss) {
      calls.gradient.push(batchSize(x));
      const rows = allLogits(x);
      const gradient = new Float32Array(x.length);
      const losses = new Float32Array(rows.length);
      rows.forEach((z, n) => {
        const { value, dz } = lossAndLogitGradient(z, loss, n);
        losses[n] = value;
        for (let i = 0; i < inputSize; i++) {
          let g = 0;
          for (let k = 0; k < numClasses; k++) g += dz[k] * spec.weights[k][i];
          gradient[n * inputSize + i] = g;
        }
      });
      return { gradient, loss: losses, logits: Float32Array.from(rows.flat()) };
    },
  };
}

/** First index of the maximum, matching tf.argMax on ties. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

function lossAndLogitGradient(z: readonly number[], loss: LossSpec, n: number): { value: number; dz: number[] } {
  if (loss.kind === 'objective') {
    // Neuron terms name units of the logits layer, so they weigh logits like the logit weights do.
    const dz = z.map((_, k) => loss.logitWeights[n * z.length + k]);
    for (const term of loss.neurons[n]) dz[term.unit] += term.weight;
    return { value: dz.reduce((sum, w, k) => sum + w * z[k], 0), dz };
  }
  const label = loss.labels[n];
  if (loss.kind === 'cross-entropy') {
    const max = Math.max(...z);
    const exps = z.map((v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    const dz = exps.map((e, k) => e / sum - (k === label ? 1 : 0));
    return { value: max + Math.log(sum) - z[label], dz };
  }
  let other = loss.targets?.[n];
  if (other === undefined) {
    other = label === 0 ? 1 : 0;
    for (let k = 0; k < z.length; k++) if (k !== label && z[k] > z[other]) other = k;
  }
  const dz = z.map((_, k) => (k === other ? 1 : 0) - (k === label ? 1 : 0));
  return { value: z[other] - z[label], dz };
}
