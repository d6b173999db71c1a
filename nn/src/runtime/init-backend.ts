import { availableParallelism } from 'node:os';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../kernels/wasm/register.ts';
import { assembleSimdKernels } from '../kernels/wasm/simd/simd_module.ts';
import { tf } from './tfjs.ts';
import { missingTrainingKernels } from './training-kernels.ts';
import { wasmBinaryDir } from './wasm-binaries.ts';

/** Backends in the order `auto` tries them. `node` is tfjs-node's native TensorFlow (registered as `tensorflow`). */
export type BackendChoice = 'node' | 'wasm' | 'cpu';
export type BackendPreference = BackendChoice | 'auto';

export interface InitBackendOptions {
  /** `auto` (default) tries node, then wasm, then cpu; naming one backend makes its failure an error. */
  prefer?: BackendPreference;
}

export interface BackendInfo {
  choice: BackendChoice;
  /** The name tfjs knows the backend by (`tensorflow`, `wasm`, `cpu`). */
  tfName: string;
  /** For wasm: whether the SIMD build was loaded; always false for the others. */
  simd: boolean;
  /** Threads the backend computes with: wasm runs single-threaded under Node (its threaded build cannot start
   * workers there), cpu is single-threaded, TensorFlow's native runtime uses every core. */
  threads: number;
  /** Why each backend tried before the chosen one was skipped. */
  skipped: { choice: BackendChoice; reason: string }[];
}

const TFJS_NODE = '@tensorflow/tfjs-node';
const PREFERENCES: readonly BackendPreference[] = ['auto', 'node', 'wasm', 'cpu'];

/** Parses a user-supplied preference (CLI flag, environment variable), naming the bad value on error. */
export function parseBackendPreference(value: string, source = 'backend'): BackendPreference {
  if ((PREFERENCES as readonly string[]).includes(value)) return value as BackendPreference;
  throw new Error(`${source}: unknown backend "${value}"; expected one of ${PREFERENCES.join(', ')}`);
}

async function tryNode(): Promise<string | null> {
  if (tf.findBackend('tensorflow') === null) {
    try {
      // A variable specifier keeps tfjs-node optional: it is never a dependency (its install downloads a binary).
      const specifier: string = TFJS_NODE;
      await import(specifier);
    } catch (error) {
      return `${TFJS_NODE} is not installed or failed to load (${(error as Error).message.split('\n')[0]})`;
    }
    if (tf.findBackend('tensorflow') === null) {
      return `${TFJS_NODE} loaded but registered its backend with another copy of @tensorflow/tfjs-core; install a tfjs-node matching tfjs-core ${tf.version_core}`;
    }
  }
  return (await tf.setBackend('tensorflow')) ? null : 'tf.setBackend("tensorflow") failed';
}

let wasmPathsSet = false;

async function tryWasm(): Promise<string | null> {
  try {
    if (!wasmPathsSet) {
      setWasmPaths(wasmBinaryDir());
      wasmPathsSet = true;
    }
    registerWasmTrainingKernels();
    await assembleSimdKernels();
    if (!(await tf.setBackend('wasm'))) return 'tf.setBackend("wasm") failed (see the warning above)';
  } catch (error) {
    return `wasm backend failed to start: ${(error as Error).message}`;
  }
  return null;
}

async function tryCpu(): Promise<string | null> {
  return (await tf.setBackend('cpu')) ? null : 'tf.setBackend("cpu") failed';
}

const ATTEMPTS: Record<BackendChoice, () => Promise<string | null>> = {
  node: tryNode,
  wasm: tryWasm,
  cpu: tryCpu,
};
const TF_NAMES: Record<BackendChoice, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

/**
 * Selects and starts the compute backend: tfjs-node when it is installed and resolvable, else the wasm backend (its
 * binaries read from node_modules, plus our training kernels), else the pure-JS cpu backend. Safe to call again; it
 * switches backends when the preference changes.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const prefer = parseBackendPreference(options.prefer ?? 'auto', 'initBackend prefer');
  const order: BackendChoice[] = prefer === 'auto' ? ['node', 'wasm', 'cpu'] : [prefer];
  const skipped: BackendInfo['skipped'] = [];
  for (const choice of order) {
    const reason = await ATTEMPTS[choice]();
    if (reason !== null) {
      skipped.push({ choice, reason });
      continue;
    }
    const missing = missingTrainingKernels(TF_NAMES[choice]);
    if (missing.length > 0) {
      throw new Error(`backend ${choice} lacks kernels that training needs: ${missing.join(', ')}`);
    }
    return {
      choice,
      tfName: TF_NAMES[choice],
      simd: choice === 'wasm' && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
      threads: choice === 'wasm' ? getThreadsCount() : choice === 'node' ? availableParallelism() : 1,
      skipped,
    };
  }
  throw new Error(
    `no tfjs backend could start: ${skipped.map((s) => `${s.choice}: ${s.reason}`).join('; ')}`,
  );
}
