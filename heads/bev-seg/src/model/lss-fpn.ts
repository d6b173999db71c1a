import { type ConvBn, convBnReluSequence } from '@mim4d/finetune';
import { type ParamScope, tf } from '@mim4d/nn';

/**
 * BEVFusion's LSSFPN (B `mmdet3d/models/necks/lss.py`, in_indices [-1, 0]): the last stage's output bilinearly
 * resized (align_corners) to the first stage's size and put before it in the channels, a 1x1 and a 3x3 conv, then
 * an align_corners bilinear upsampling by `scale` and a 3x3 conv, each conv with BN and ReLU.
 */
export class LssFpn {
  readonly fuse: ConvBn[];
  readonly upsample: ConvBn[];

  constructor(
    scope: ParamScope,
    lastChannels: number,
    firstChannels: number,
    outChannels: number,
    readonly scale: number,
  ) {
    this.fuse = convBnReluSequence(scope.scope('fuse'), lastChannels + firstChannels, [
      { channels: outChannels, kernel: 1 },
      { channels: outChannels, kernel: 3 },
    ]);
    this.upsample =
      scale > 1
        ? convBnReluSequence(scope.scope('upsample'), outChannels, [{ channels: outChannels, kernel: 3 }], 1)
        : [];
  }

  apply(stages: tf.Tensor4D[], training: boolean): tf.Tensor4D {
    const first = stages[0];
    const last = stages[stages.length - 1];
    const [, h, w] = first.shape;
    const resized = tf.image.resizeBilinear(last, [h, w], true);
    let x = tf.concat([resized, first], 3) as tf.Tensor4D;
    for (const layer of this.fuse) x = layer.applyRelu(x, training);
    if (this.scale > 1) {
      x = tf.image.resizeBilinear(x, [h * this.scale, w * this.scale], true);
      for (const layer of this.upsample) x = layer.applyRelu(x, training);
    }
    return x;
  }
}
