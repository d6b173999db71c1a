import * as tf from '@tensorflow/tfjs-core';
import { defaultBound, type ParamScope } from './params.ts';

/** Depthwise 2-D convolution (one k x k filter per channel, stride 1, "same" padding) on NHWC tensors. */
export class DepthwiseConv2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly padding: number;

  constructor(scope: ParamScope, channels: number, kernel: number) {
    this.weight = scope.create('weight', [kernel, kernel, channels, 1], defaultBound(kernel * kernel));
    this.bias = scope.create('bias', [channels], defaultBound(kernel * kernel));
    this.padding = Math.floor(kernel / 2);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const p = this.padding;
    const padded = tf.pad(x, [
      [0, 0],
      [p, p],
      [p, p],
      [0, 0],
    ]);
    return tf.add(tf.depthwiseConv2d(padded, this.weight as tf.Tensor4D, 1, 'valid'), this.bias);
  }
}
