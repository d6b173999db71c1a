import * as tf from '@tensorflow/tfjs-core';
import type { ParamScope } from './params.ts';

/**
 * BatchNorm over the last (channel) axis of an N-D channels-last tensor (BatchNorm3d on NDHWC volumes). In training
 * it normalises with the batch statistics and updates the running ones (PyTorch momentum 0.1, unbiased running
 * variance); in evaluation it uses the running statistics.
 */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;

  constructor(
    scope: ParamScope,
    readonly channels: number,
    readonly momentum = 0.1,
    readonly eps = 1e-5,
  ) {
    this.gamma = scope.create('weight', [channels], { kind: 'ones' });
    this.beta = scope.create('bias', [channels], { kind: 'zeros' });
    this.runningMean = scope.create('running_mean', [channels], { kind: 'zeros' }, false);
    this.runningVar = scope.create('running_var', [channels], { kind: 'ones' }, false);
  }

  apply<T extends tf.Tensor>(x: T, training: boolean): T {
    if (!training) {
      const normed = tf.div(tf.sub(x, this.runningMean), tf.sqrt(tf.add(this.runningVar, this.eps)));
      return tf.add(tf.mul(normed, this.gamma), this.beta) as T;
    }
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    const count = x.size / this.channels;
    tf.tidy(() => {
      const m = this.momentum;
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m)));
    });
    const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.eps)));
    return tf.add(tf.mul(normed, this.gamma), this.beta) as T;
  }
}
