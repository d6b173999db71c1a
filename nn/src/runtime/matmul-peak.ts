import { tf } from './tfjs.ts';

export interface Timing {
  /** Median wall time of one call, in milliseconds. */
  ms: number;
  runs: number;
}

/**
 * Times `f` (which must finish its work before returning, e.g. by reading its result): one warm-up call, then
 * calls until `minMs` has passed (at least 3), reporting the median.
 */
export function timeMedian(f: () => void, minMs = 400): Timing {
  f();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 3 || performance.now() - start < minMs) {
    const t0 = performance.now();
    f();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], runs: samples.length };
}

/**
 * This machine's float32 matmul throughput on the active backend, in GFLOP/s (2·n³ per n×n product): the ceiling
 * against which a training step's achieved GFLOP/s is read, measured in the same run.
 */
export function measureMatMulPeak(n = 512, minMs = 400): number {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  // The callback returns nothing: tidy would walk a returned Float32Array element by element, which costs
  // more than the product itself.
  const { ms } = timeMedian(() => {
    tf.tidy(() => {
      tf.matMul(a, b).dataSync();
    });
  }, minMs);
  tf.dispose([a, b]);
  return (2 * n ** 3) / (ms * 1e6);
}
