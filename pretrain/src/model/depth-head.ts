import { Conv2d, type ParamScope } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';

/** UVTR SimpleDepth: per level, a 1x1 conv to depth bins and a softmax over them, [n, h, w, bins]. */
export class DepthHead {
  readonly convs: Conv2d[];

  constructor(scope: ParamScope, config: Mim4dConfig, levels: number) {
    this.convs = Array.from(
      { length: levels },
      (_, l) => new Conv2d(scope.scope(`level${l}`), config.neck.channels, config.depth.bins, { kernel: 1 }),
    );
  }

  apply(features: tf.Tensor4D[]): tf.Tensor4D[] {
    return features.map((f, l) => tf.softmax(this.convs[l].apply(f)));
  }
}
