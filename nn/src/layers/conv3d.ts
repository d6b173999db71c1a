import * as tf from '@tensorflow/tfjs-core';
import { defaultBound, type Init, type ParamScope } from './params.ts';

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
    init: { weight?: Init; bias?: Init } = {},
  ) {
    if (kernel % 2 !== 1) throw new Error(`Conv3d: kernel ${kernel} must be odd for 'same' padding`);
    const fanIn = inChannels * kernel ** 3;
    this.weight = scope.create(
      'weight',
      [kernel, kernel, kernel, inChannels, outChannels],
      init.weight ?? defaultBound(fanIn),
    );
    this.bias = bias ? scope.create('bias', [outChannels], init.bias ?? defaultBound(fanIn)) : null;
  }

  apply(x: tf.Tensor5D): tf.Tensor5D {
    // The kernel pads, not tf.pad: pad's gradient is a rank-5 Slice, which wasm runs as a per-element JS loop
    // (a third of a second for a tiny volume head). Stride 1 and an odd kernel make 'same' exactly floor(k/2) a side.
    const y = tf.conv3d(x, this.weight as tf.Tensor5D, 1, 'same');
    return this.bias === null ? y : tf.add(y, this.bias);
  }
}
