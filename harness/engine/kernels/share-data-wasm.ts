// tfjs-backend-wasm's Identity, and its Cast to the dtype a tensor already has, copy the whole
// tensor. The engine clones every tensor a gradient saves through Identity, and tfjs's ReLU
// gradient casts a float32 mask to float32: about 5 ms of a 181 ms LeNet input gradient (batch 512)
// went to such copies. tfjs tensors are immutable (wasm's own Reshape already shares memory), so
// these kernels hand out the same memory with one more reference, as the cpu backend's do.
import type * as tf from '@tensorflow/tfjs';

/** The slice of KernelBackend that sharing relies on. */
interface CountingBackend {
  incRef(dataId: object): void;
}

function share(backend: unknown, x: tf.TensorInfo): tf.TensorInfo {
  (backend as CountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Wraps the native Identity, which stays in use for strings (kept outside the heap). */
export function identityWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    return x.dtype === 'string' ? native.kernelFunc(args) : share(args.backend, x);
  };
  return { kernelName: 'Identity', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}

/** Wraps the native Cast, which still converts between dtypes. */
export function castWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as { dtype: tf.DataType };
    return dtype === x.dtype && dtype !== 'string' ? share(args.backend, x) : native.kernelFunc(args);
  };
  return { kernelName: 'Cast', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}
