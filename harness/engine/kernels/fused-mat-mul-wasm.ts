// _FusedMatMul (a dense layer's product, bias and activation in one kernel) on gauntlet's native
// kernels when they take the case (linear or ReLU, a bias of one value per column). Otherwise the
// wasm backend's kernel, except where tfjs-backend-wasm 4.22 adds the bias wrongly (a transposed or
// batched product: only the first row gets the right bias, the others the bias's last value): there
// the product, the bias and the activation run as separate kernels.
import * as tf from '@tensorflow/tfjs';
import { disposeIntermediates } from './dispose-intermediates.js';
import { nativeMatMul } from './native-mat-mul.js';

interface FusedMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

interface FusedMatMulInputs {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  bias?: tf.TensorInfo;
  preluActivationWeights?: tf.TensorInfo;
}

/** BatchMatMul, Add and the activation's own kernel, in place of the fused kernel. */
function unfused(backend: Parameters<tf.KernelFunc>[0]['backend'], inputs: FusedMatMulInputs, attrs: FusedMatMulAttrs): tf.TensorInfo {
  const owned: tf.TensorInfo[] = [];
  const run = (kernelName: string, kernelInputs: Record<string, tf.TensorInfo>, kernelAttrs: Record<string, unknown> = {}): tf.TensorInfo => {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (kernel === undefined) throw new Error(`_FusedMatMul (wasm): kernel ${kernelName} is missing`);
    return kernel.kernelFunc({ inputs: kernelInputs, backend, attrs: kernelAttrs as tf.NamedAttrMap }) as tf.TensorInfo;
  };
  try {
    let out = run('BatchMatMul', { a: inputs.a, b: inputs.b }, { transposeA: attrs.transposeA, transposeB: attrs.transposeB });
    if (inputs.bias !== undefined) {
      owned.push(out);
      out = run('Add', { a: out, b: inputs.bias });
    }
    const activation = attrs.activation ?? 'linear';
    if (activation === 'linear') return out;
    owned.push(out);
    switch (activation) {
      case 'relu':
        return run('Relu', { x: out });
      case 'relu6':
        return run('Relu6', { x: out });
      case 'elu':
        return run('Elu', { x: out });
      case 'sigmoid':
        return run('Sigmoid', { x: out });
      case 'leakyrelu':
        return run('LeakyRelu', { x: out }, { alpha: attrs.leakyreluAlpha ?? 0.2 });
      case 'prelu':
        if (inputs.preluActivationWeights === undefined) throw new Error('_FusedMatMul (wasm): prelu without weights');
        return run('Prelu', { x: out, alpha: inputs.preluActivationWeights });
      default:
        throw new Error(`_FusedMatMul (wasm): unknown activation ${activation}`);
    }
  } finally {
    disposeIntermediates(backend, owned);
  }
}

/** Wraps the wasm backend's registered kernel, which stays the fallback. */
export function fusedMatMulWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const inputs = args.inputs as unknown as FusedMatMulInputs;
    const attrs = args.attrs as unknown as FusedMatMulAttrs;
    const { a, b, bias, preluActivationWeights } = inputs;
    const activation = attrs.activation ?? 'linear';
    if (preluActivationWeights === undefined && (activation === 'linear' || activation === 'relu')) {
      const viaNative = nativeMatMul(args.backend, { a, b, transposeA: attrs.transposeA, transposeB: attrs.transposeB, bias, relu: activation === 'relu' });
      if (viaNative !== undefined) return viaNative;
    }
    const batched = a.shape.slice(0, -2).some((d) => d > 1) || b.shape.slice(0, -2).some((d) => d > 1);
    if (bias !== undefined && (attrs.transposeA || attrs.transposeB || batched)) return unfused(args.backend, inputs, attrs);
    return native.kernelFunc(args);
  };
  return { kernelName: '_FusedMatMul', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}
