// Kernels written in TypeScript work on the wasm backend's heap directly: a typed-array view of a
// tensor costs nothing, where readSync would copy it out and a new tensor would copy it back in.
import type * as tf from '@tensorflow/tfjs';

/** The slice of tfjs-backend-wasm's BackendWasm that the heap kernels rely on. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
}

/** Allocates a float32 tensor on the heap; its contents are whatever the allocator left there. */
export function allocateFloat32(backend: unknown, shape: readonly number[]): tf.TensorInfo {
  return (backend as HeapBackend).makeOutput([...shape], 'float32');
}

/**
 * A view of a float32 tensor's memory. Allocating a tensor may grow the heap and detach every view
 * taken before, so take views only after the kernel's last allocation.
 */
export function float32View(backend: unknown, t: tf.TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${t.dtype}`);
  return (backend as HeapBackend).typedArrayFromHeap(t) as Float32Array;
}
