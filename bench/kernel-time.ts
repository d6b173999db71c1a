import {
  getKernelsForBackend,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { tf } from '../nn/src/index.ts';

/** Where one call's time went: each kernel's own seconds (kernels it ran inside excluded) and call count. */
export interface KernelTimes {
  /** Wall seconds of the whole call. */
  total: number;
  /** Wall seconds inside kernels, summed over `byKernel`. */
  inKernels: number;
  byKernel: Map<string, { seconds: number; calls: number }>;
}

/**
 * Runs `f` with every kernel of the active backend wrapped in a wall clock. tf.profile cannot serve here: on wasm
 * it reads every output back to the host to time a kernel, which costs more than many of the kernels themselves.
 * A kernel that runs others (ours build on the backend's matmul, transpose, ...) is charged only its own time,
 * so the figures add up to `inKernels`; the rest of `total` is JavaScript: op dispatch, the tape, host work.
 * With `byShape`, calls are told apart by their inputs' shapes and their attributes too, which says which of a
 * kernel's uses (which reduction, which transpose) the time goes to.
 */
export function timeKernels(f: () => void, byShape = false): KernelTimes {
  const backendName = tf.getBackend();
  const originals = getKernelsForBackend(backendName);
  const byKernel = new Map<string, { seconds: number; calls: number }>();
  let nested = 0;
  const wrap =
    (config: KernelConfig): KernelFunc =>
    (args) => {
      const outerNested = nested;
      nested = 0;
      const t0 = performance.now();
      try {
        return config.kernelFunc(args);
      } finally {
        const spent = (performance.now() - t0) / 1000;
        const key = byShape ? shapeKey(config.kernelName, args) : config.kernelName;
        const entry = byKernel.get(key) ?? { seconds: 0, calls: 0 };
        entry.seconds += spent - nested;
        entry.calls += 1;
        byKernel.set(key, entry);
        nested = outerNested + spent;
      }
    };
  const swap = (configs: readonly KernelConfig[], make: (c: KernelConfig) => KernelConfig) => {
    for (const config of configs) {
      unregisterKernel(config.kernelName, backendName);
      registerKernel(make(config));
    }
  };
  swap(originals, (config) => ({ ...config, kernelFunc: wrap(config) }));
  const t0 = performance.now();
  try {
    f();
  } finally {
    swap(originals, (config) => config);
  }
  const total = (performance.now() - t0) / 1000;
  let inKernels = 0;
  for (const { seconds } of byKernel.values()) inKernels += seconds;
  return { total, inKernels, byKernel };
}

function shapeKey(name: string, args: Parameters<KernelFunc>[0]): string {
  const shapes = Object.entries(args.inputs)
    .map(([k, t]) => `${k}[${t?.shape.join(',')}]`)
    .join(' ');
  const attrs = Object.entries(args.attrs ?? {})
    .filter(([, v]) => v !== undefined && (typeof v !== 'object' || Array.isArray(v)))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
    .join(' ');
  return `${name} ${shapes}${attrs === '' ? '' : ` ${attrs}`}`;
}
