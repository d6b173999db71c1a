import { type ParamScope, tf } from '@mim4d/nn';
import { ConvBn, convBnReluSequence } from './conv-bn.ts';

/**
 * From the lifted volume to a BEV map (heads.md 2.2, 3.2): height folded into channels, a 1x1 conv + BN + ReLU to
 * `bevChannels` (MIM4D's own height-to-channel bridge [OURS]), then the LSS `downsample` block BEVFusion and MapTR
 * share ([Conv3x3, BN, ReLU] x 3) with its stride set to 1, since the volume already has the BEV's resolution.
 */
export class BevBridge {
  readonly bridge: ConvBn;
  readonly downsample: ConvBn[];

  constructor(scope: ParamScope, volumeChannels: number, zCells: number, bevChannels: number) {
    const b = scope.scope('bridge');
    this.bridge = new ConvBn(b.scope('0'), b.scope('1'), zCells * volumeChannels, bevChannels, 1);
    const conv = { channels: bevChannels, kernel: 3 };
    this.downsample = convBnReluSequence(scope.scope('downsample'), bevChannels, [conv, conv, conv]);
  }

  /** volume [1, Z, Y, X, C] (frame ego, voxel corners) -> BEV [1, Y, X, bevChannels], channel z·C + c in. */
  apply(volume: tf.Tensor5D, training: boolean): tf.Tensor4D {
    const [, Z, Y, X, C] = volume.shape;
    const folded = tf.reshape(tf.transpose(volume, [0, 2, 3, 1, 4]), [1, Y, X, Z * C]) as tf.Tensor4D;
    let x = this.bridge.applyRelu(folded, training);
    for (const layer of this.downsample) x = layer.applyRelu(x, training);
    return x;
  }
}
