import * as tf from '@tensorflow/tfjs-core';
import { dropout } from './dropout.ts';
import { Linear } from './linear.ts';
import { type ParamScope, xavierUniform } from './params.ts';
import type { SeededRandom } from './seeded-random.ts';

/**
 * PyTorch nn.MultiheadAttention for one sequence (no batch axis): query [L, d], key and value [S, d] -> [L, d].
 * Scaled dot product per head, softmax over S, dropout on the attention probabilities (as PyTorch's `dropout`),
 * output projection. Projections are xavier-uniform with zero biases, as mmcv's transformer init leaves them.
 */
export class MultiHeadAttention {
  readonly q: Linear;
  readonly k: Linear;
  readonly v: Linear;
  readonly out: Linear;

  constructor(
    scope: ParamScope,
    readonly dim: number,
    readonly heads: number,
    readonly attnDropout = 0,
  ) {
    if (dim % heads !== 0)
      throw new Error(`MultiHeadAttention: ${dim} dims do not split into ${heads} heads`);
    const init = { weightInit: xavierUniform(dim, dim), biasInit: { kind: 'zeros' } as const };
    this.q = new Linear(scope.scope('q_proj'), dim, dim, init);
    this.k = new Linear(scope.scope('k_proj'), dim, dim, init);
    this.v = new Linear(scope.scope('v_proj'), dim, dim, init);
    this.out = new Linear(scope.scope('out_proj'), dim, dim, init);
  }

  apply(query: tf.Tensor2D, key: tf.Tensor2D, value: tf.Tensor2D, rng: SeededRandom | null): tf.Tensor2D {
    const h = this.heads;
    const dh = this.dim / h;
    const split = (x: tf.Tensor2D) =>
      tf.transpose(tf.reshape(x, [x.shape[0], h, dh]), [1, 0, 2]) as tf.Tensor3D;
    const q = split(tf.mul(this.q.apply(query), 1 / Math.sqrt(dh)));
    const k = split(this.k.apply(key));
    const v = split(this.v.apply(value));
    const probs = dropout(tf.softmax(tf.matMul(q, k, false, true)), this.attnDropout, rng);
    const heads = tf.transpose(tf.matMul(probs, v), [1, 0, 2]);
    return this.out.apply(tf.reshape(heads, [query.shape[0], this.dim]) as tf.Tensor2D);
  }
}
