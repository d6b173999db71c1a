import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from './seeded-random.ts';

/**
 * Inverted dropout (PyTorch nn.Dropout): each entry is zeroed with probability `p` and the rest scaled by
 * 1 / (1 - p). The mask is drawn on the host from the run's seeded stream, so a resumed run drops the same entries;
 * `rng` null (evaluation) or p = 0 is the identity.
 */
export function dropout<T extends tf.Tensor>(x: T, p: number, rng: SeededRandom | null): T {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: probability must be in [0, 1), got ${p}`);
  if (rng === null || p === 0) return x;
  const keep = new Float32Array(x.size);
  const scale = 1 / (1 - p);
  for (let i = 0; i < keep.length; i++) keep[i] = rng.next() < p ? 0 : scale;
  return tf.mul(x, tf.tensor(keep, x.shape)) as T;
}
