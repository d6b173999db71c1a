import * as tf from '@tensorflow/tfjs-core';
import { defaultBound, type ParamScope } from './params.ts';

export interface Conv2dOptions {
  kernel: number;
  stride?: number;
  /** Symmetric zero padding in pixels; defaults to kernel/2 (rounded down), i.e. "same" for odd kernels. */
  padding?: number;
  bias?: boolean;
}

/** 2-D convolution on NHWC tensors; weights [k, k, in, out]. */
export class Conv2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly stride: number;
  readonly padding: number;

  constructor(scope: ParamScope, inChannels: number, outChannels: number, options: Conv2dOptions) {
    const k = options.kernel;
    const fanIn = inChannels * k * k;
    this.weight = scope.create('weight', [k, k, inChannels, outChannels], defaultBound(fanIn));
    this.bias = options.bias === false ? null : scope.create('bias', [outChannels], defaultBound(fanIn));
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? Math.floor(k / 2);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const padded =
      this.padding > 0
        ? tf.pad(x, [
            [0, 0],
            [this.padding, this.padding],
            [this.padding, this.padding],
            [0, 0],
          ])
        : x;
    const y = tf.conv2d(padded, this.weight as tf.Tensor4D, this.stride, 'valid');
    return this.bias === null ? y : tf.add(y, this.bias);
  }
}
