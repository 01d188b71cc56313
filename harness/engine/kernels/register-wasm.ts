// gauntlet's additions to tfjs-backend-wasm; must run after the wasm package registered its kernels
// and before the backend initialises (so the wrapped native kernel's setup still runs).
import * as tf from '@tensorflow/tfjs';
import { addWasm } from './add-wasm.js';
import { batchMatMulWasm } from './batch-mat-mul-wasm.js';
import { conv2DBackpropFilterWasm } from './conv2d-backprop-filter-wasm.js';
import { conv2DBackpropInputWasm } from './conv2d-backprop-input-wasm.js';
import { conv2DWasm, fusedConv2DWasm } from './conv2d-wasm.js';
import { fusedMatMulWasm } from './fused-mat-mul-wasm.js';
import { maxPoolGradWasm } from './max-pool-grad-wasm.js';
import { maxPoolWasm } from './max-pool-wasm.js';
import { castWasm, identityWasm } from './share-data-wasm.js';

let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  wrapNative('Conv2D', conv2DWasm);
  wrapNative('FusedConv2D', fusedConv2DWasm);
  wrapNative('Conv2DBackpropInput', conv2DBackpropInputWasm);
  wrapNative('BatchMatMul', batchMatMulWasm);
  wrapNative('MaxPoolGrad', maxPoolGradWasm);
  wrapNative('MaxPool', maxPoolWasm);
  wrapNative('_FusedMatMul', fusedMatMulWasm);
  wrapNative('Add', addWasm);
  wrapNative('Identity', identityWasm);
  wrapNative('Cast', castWasm);
  tf.registerKernel(conv2DBackpropFilterWasm);
  registered = true;
}

function wrapNative(kernelName: string, wrap: (native: tf.KernelConfig) => tf.KernelConfig): void {
  const native = tf.getKernel(kernelName, 'wasm');
  if (native === undefined) throw new Error(`tfjs-backend-wasm registered no ${kernelName} kernel`);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel(wrap(native));
}
