// Picks the fastest tfjs backend that works on this machine. The native backends are optional
// dependencies whose install fails without libtensorflow, so every probe may fail in any way
// (missing module, bad native binary, no GPU driver) and each failure is reported, not fatal.
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from '../config/experiment.js';
import { UserError } from '../errors.js';
import { nativeKernelsStatus } from './kernels/native-kernels.js';
import { registerWasmKernels } from './kernels/register-wasm.js';

type ConcreteBackend = Exclude<BackendChoice, 'auto'>;

const AUTO_ORDER: readonly ConcreteBackend[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** Kept in variables so TypeScript does not require the optional packages to be installed. */
const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

export interface BackendSelection {
  /** the tfjs backend now active ('tensorflow', 'wasm' or 'cpu') */
  backend: string;
  /** on wasm, whether gauntlet's native kernels run ('native avx2', 'not built (…)', …); else 'n/a' */
  kernels: string;
  /** backends probed before it that failed, in order */
  tried: { backend: string; error: string }[];
}

export async function selectBackend(choice: BackendChoice): Promise<BackendSelection> {
  if (choice !== 'auto') {
    try {
      const backend = await activate(choice);
      return { backend, kernels: kernelsOf(backend), tried: [] };
    } catch (error) {
      throw new UserError(`backend '${choice}' is not usable here: ${describe(error)} (use backend: auto to fall back)`);
    }
  }
  const tried: { backend: string; error: string }[] = [];
  for (const candidate of AUTO_ORDER) {
    try {
      const backend = await activate(candidate);
      return { backend, kernels: kernelsOf(backend), tried };
    } catch (error) {
      tried.push({ backend: candidate, error: describe(error) });
    }
  }
  throw new UserError(`no tfjs backend works here: ${tried.map((t) => `${t.backend}: ${t.error}`).join('; ')}`);
}

async function activate(choice: ConcreteBackend): Promise<string> {
  let name: string;
  if (choice === 'tensorflow-gpu' || choice === 'tensorflow') {
    await import(NATIVE_PACKAGES[choice]);
    // both native packages register themselves as 'tensorflow'
    name = 'tensorflow';
  } else if (choice === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmKernels();
    name = 'wasm';
  } else {
    name = 'cpu';
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs could not initialise the '${name}' backend`);
  await tf.ready();
  return tf.getBackend();
}

function kernelsOf(backend: string): string {
  return backend === 'wasm' ? nativeKernelsStatus() : 'n/a';
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
