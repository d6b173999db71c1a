import * as tf from '@tensorflow/tfjs-core';
import type { ParamScope } from './params.ts';

/**
 * LayerNorm over the last (channel) axis, as ConvNeXt's channels_last LayerNorm. Statistics are per position, so
 * SparK's sparse variant (statistics over visible positions only) is this followed by the keep-mask.
 */
export class LayerNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(
    scope: ParamScope,
    readonly channels: number,
    readonly eps = 1e-6,
  ) {
    this.gamma = scope.create('weight', [channels], { kind: 'ones' });
    this.beta = scope.create('bias', [channels], { kind: 'zeros' });
  }

  apply<T extends tf.Tensor>(x: T): T {
    const axis = x.rank - 1;
    const { mean, variance } = tf.moments(x, axis, true);
    const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.eps)));
    return tf.add(tf.mul(normed, this.gamma), this.beta) as T;
  }
}
