import { ConvBn } from '@mim4d/finetune';
import { type ParamScope, tf } from '@mim4d/nn';

/**
 * mmcv's BasicBlock: conv3x3 (stride) + BN + ReLU, conv3x3 + BN, plus the identity, or a 1x1 conv + BN shortcut when
 * the stride or the width changes, then ReLU.
 */
class BasicBlock {
  readonly conv1: ConvBn;
  readonly conv2: ConvBn;
  readonly shortcut: ConvBn | null;

  constructor(scope: ParamScope, inChannels: number, outChannels: number, stride: number) {
    this.conv1 = new ConvBn(scope.scope('conv1'), scope.scope('bn1'), inChannels, outChannels, 3, stride);
    this.conv2 = new ConvBn(scope.scope('conv2'), scope.scope('bn2'), outChannels, outChannels, 3);
    const d = scope.scope('downsample');
    this.shortcut =
      stride !== 1 || inChannels !== outChannels
        ? new ConvBn(d.scope('0'), d.scope('1'), inChannels, outChannels, 1, stride)
        : null;
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const y = this.conv2.apply(this.conv1.applyRelu(x, training), training);
    const identity = this.shortcut === null ? x : this.shortcut.apply(x, training);
    return tf.relu(tf.add(y, identity)) as tf.Tensor4D;
  }
}

/**
 * BEVFusion's GeneralizedResNet (B `mmdet3d/models/backbones/resnet.py`): stages of BasicBlocks built by mmcv's
 * `make_res_layer`, the first block of a stage striding; returns every stage's output.
 */
export class GeneralizedResNet {
  readonly stages: BasicBlock[][];

  constructor(
    scope: ParamScope,
    inChannels: number,
    stages: { blocks: number; channels: number; stride: number }[],
  ) {
    let cin = inChannels;
    this.stages = stages.map(({ blocks, channels, stride }, s) => {
      const layer = Array.from(
        { length: blocks },
        (_, b) =>
          new BasicBlock(scope.scope(`${s}.${b}`), b === 0 ? cin : channels, channels, b === 0 ? stride : 1),
      );
      cin = channels;
      return layer;
    });
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D[] {
    const outputs: tf.Tensor4D[] = [];
    let h = x;
    for (const stage of this.stages) {
      for (const block of stage) h = block.apply(h, training);
      outputs.push(h);
    }
    return outputs;
  }
}
