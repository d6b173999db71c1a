import * as tf from '@tensorflow/tfjs-core';
import { defaultBound, type ParamScope } from './params.ts';

/** 3-D convolution on NDHWC volumes, stride 1, "same" zero padding; weights [k, k, k, in, out]. */
export class Conv3d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    scope: ParamScope,
    inChannels: number,
    outChannels: number,
    readonly kernel: number,
    bias = true,
  ) {
    const fanIn = inChannels * kernel ** 3;
    this.weight = scope.create(
      'weight',
      [kernel, kernel, kernel, inChannels, outChannels],
      defaultBound(fanIn),
    );
    this.bias = bias ? scope.create('bias', [outChannels], defaultBound(fanIn)) : null;
  }

  apply(x: tf.Tensor5D): tf.Tensor5D {
    const p = Math.floor(this.kernel / 2);
    const padded = tf.pad(x, [
      [0, 0],
      [p, p],
      [p, p],
      [p, p],
      [0, 0],
    ]);
    const y = tf.conv3d(padded, this.weight as tf.Tensor5D, 1, 'valid');
    return this.bias === null ? y : tf.add(y, this.bias);
  }
}
