import { Conv2d, type ParamScope } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';

/**
 * mmdet FPN: 1x1 laterals, top-down nearest upsampling and add, 3x3 output convs, extra stride-2 convs on the
 * last output; then UVTR's 1x1 input_proj per level. Levels are ordered fine to coarse.
 */
export class Fpn {
  readonly laterals: Conv2d[];
  readonly outputs: Conv2d[];
  readonly extras: Conv2d[] = [];
  readonly inputProj: Conv2d[] = [];

  constructor(
    scope: ParamScope,
    readonly config: Mim4dConfig,
  ) {
    const c = config.neck.channels;
    const stages = config.neck.inStages;
    this.laterals = stages.map(
      (s, i) => new Conv2d(scope.scope(`lateral${i}`), config.encoder.stageChannels[s], c, { kernel: 1 }),
    );
    this.outputs = stages.map((_, i) => new Conv2d(scope.scope(`fpn${i}`), c, c, { kernel: 3 }));
    for (let e = 0; e < config.neck.extraLevels; e++) {
      this.extras.push(new Conv2d(scope.scope(`extra${e}`), c, c, { kernel: 3, stride: 2 }));
    }
    for (let l = 0; l < this.levels(); l++)
      this.inputProj.push(new Conv2d(scope.scope(`input_proj${l}`), c, c, { kernel: 1 }));
  }

  levels(): number {
    return this.config.neck.inStages.length + this.config.neck.extraLevels;
  }

  /** Strides of the levels relative to the input image. */
  strides(): number[] {
    const base = this.config.encoder.stemStride;
    const s = this.config.neck.inStages.map((stage) => base * 2 ** stage);
    for (let e = 0; e < this.config.neck.extraLevels; e++) s.push(s[s.length - 1] * 2);
    return s;
  }

  apply(stageOutputs: Map<number, tf.Tensor4D>): tf.Tensor4D[] {
    const inputs = this.config.neck.inStages.map((s) => {
      const f = stageOutputs.get(s);
      if (f === undefined) throw new Error(`FPN: encoder produced no output for stage ${s}`);
      return f;
    });
    const lat = inputs.map((f, i) => this.laterals[i].apply(f));
    for (let i = lat.length - 2; i >= 0; i--) {
      const [, h, w] = lat[i].shape;
      lat[i] = tf.add(lat[i], tf.image.resizeNearestNeighbor(lat[i + 1], [h, w]));
    }
    const outs = lat.map((l, i) => this.outputs[i].apply(l));
    for (const extra of this.extras) outs.push(extra.apply(outs[outs.length - 1]));
    return outs.map((o, i) => this.inputProj[i].apply(o));
  }
}
