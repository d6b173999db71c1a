import { type ConvBn, convBnReluSequence, type LidarCells } from '@mim4d/finetune';
import { applyFixedSampler, Conv2d, type FixedSampler, type ParamScope, tf } from '@mim4d/nn';

/**
 * BEVFusion's BEVSegmentationHead (B `mmdet3d/models/heads/segm/vanilla.py`): the grid transform onto the
 * lidar-frame output cells, then the classifier [Conv3x3, BN, ReLU] x 2 + Conv1x1 to one logit per class, with
 * PyTorch's default initialisation.
 */
export class BevSegmentationHead {
  readonly classifier: ConvBn[];
  readonly out: Conv2d;

  constructor(scope: ParamScope, channels: number, classes: number) {
    const c = scope.scope('classifier');
    const conv = { channels, kernel: 3 };
    this.classifier = convBnReluSequence(c, channels, [conv, conv]);
    this.out = new Conv2d(c.scope('6'), channels, classes, { kernel: 1 });
  }

  /** BEV [1, Y, X, C] in the frame ego -> logits [cellsX * cellsY, classes], row i·cellsY + j. */
  apply(bev: tf.Tensor4D, sampler: FixedSampler, cells: LidarCells, training: boolean): tf.Tensor2D {
    const channels = bev.shape[3];
    const sampled = applyFixedSampler(tf.reshape(bev, [-1, channels]) as tf.Tensor2D, sampler);
    // Rows are lidar x and columns lidar y, BEVFusion's [C, X, Y] layout channels-last.
    let x = tf.reshape(sampled, [1, cells.cellsX, cells.cellsY, channels]) as tf.Tensor4D;
    for (const layer of this.classifier) x = layer.applyRelu(x, training);
    return tf.reshape(this.out.apply(x), [cells.cellsX * cells.cellsY, -1]) as tf.Tensor2D;
  }
}
