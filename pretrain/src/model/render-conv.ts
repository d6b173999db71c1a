import { BatchNorm, Conv3d, type ParamScope } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';

/** render_conv: Conv3d 3x3x3 (no bias) + BatchNorm3d + ReLU on the stacked frame volumes [T, Z, Y, X, C]. */
export class RenderConv {
  readonly conv: Conv3d;
  readonly bn: BatchNorm;

  constructor(scope: ParamScope, config: Mim4dConfig) {
    this.conv = new Conv3d(scope.scope('conv'), config.neck.channels, config.volume.channels, 3, false);
    this.bn = new BatchNorm(scope.scope('bn'), config.volume.channels);
  }

  apply(volumes: tf.Tensor5D, training: boolean): tf.Tensor5D {
    return tf.relu(this.bn.apply(this.conv.apply(volumes), training));
  }
}
