// Kernels composed of other kernels own their intermediates: the engine tracks only the output, so
// each composition frees what it made, through the backend's own disposeData.
import type * as tf from '@tensorflow/tfjs';

/** The slice of KernelBackend the compositions rely on. */
interface DisposingBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

export function disposeIntermediates(backend: unknown, owned: readonly tf.TensorInfo[]): void {
  const disposer = backend as DisposingBackend;
  for (const t of owned) disposer.disposeData(t.dataId);
}
