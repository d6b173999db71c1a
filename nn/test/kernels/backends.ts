import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/index.ts';

/** Runs `f` on the cpu backend (the reference) and on wasm, returning both results as plain arrays. */
export async function onBothBackends(
  f: () => tf.Tensor | tf.Tensor[],
): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = () => {
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = list.map((t) => Float32Array.from(t.dataSync()));
    tf.dispose(list);
    return values;
  };
  await tf.setBackend('cpu');
  try {
    const cpu = run();
    await tf.setBackend('wasm');
    return { cpu, wasm: run() };
  } finally {
    await tf.setBackend('wasm');
  }
}

/** max |a − b| / max |b| over all elements, with a floor so an all-zero reference does not divide by zero. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length, 'result sizes differ');
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

export async function assertWasmMatchesCpu(
  f: () => tf.Tensor | tf.Tensor[],
  label: string,
  tolerance = 1e-4,
) {
  const { cpu, wasm } = await onBothBackends(f);
  cpu.forEach((expected, i) => {
    const error = relativeError(wasm[i], expected);
    assert.ok(
      error < tolerance,
      `${label}, output ${i}: wasm differs from cpu by ${error.toExponential(2)} (relative)`,
    );
  });
}

export function useWasm(): void {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });
}

export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}
