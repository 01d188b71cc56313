// When the worker pool pays for a model. Sending a batch to the workers costs copies of its rows
// and results and a wake-up of each worker; for a model that does little arithmetic per input value
// those cost more than the second core saves. Measured at batch 512 and 1024 with native kernels
// (2 workers against the calling thread): mnist-mlp-60-30 (≈ 49k multiply-adds per image) and
// mnist-mlp-30x5 were 1.2–1.7× slower in the pool, forward and gradient alike, at every batch size
// tried up to 2048; mnist-lenet1 (≈ 325k) and every larger CNN were 1.4–1.9× faster.
import type { LayerSummary } from '../../types.js';

/** Below this many multiply-adds per input row a model's queries run on the calling thread. */
export const POOL_MIN_MULTIPLY_ADDS_PER_ROW = 100_000;

/**
 * Multiply-adds of one row's forward pass, estimated from the layers: each weight is used once per
 * output position (a dense layer's outputs have one position, a convolution's H·W).
 */
export function multiplyAddsPerRow(layers: readonly LayerSummary[]): number {
  let total = 0;
  for (const layer of layers) {
    if (layer.params === 0 || layer.outputShape.length === 0) continue;
    const positions = layer.outputShape.slice(0, -1).reduce((a, b) => a * b, 1);
    total += layer.params * positions;
  }
  return total;
}
