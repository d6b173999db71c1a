import { BatchNorm, Conv2d, type ParamScope, tf } from '@mim4d/nn';

/** Conv2d without bias, then BatchNorm2d: the unit of BEVFusion's BEV blocks (PyTorch's default conv init). */
export class ConvBn {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;

  constructor(
    conv: ParamScope,
    bn: ParamScope,
    inChannels: number,
    outChannels: number,
    kernel: number,
    stride = 1,
  ) {
    this.conv = new Conv2d(conv, inChannels, outChannels, { kernel, stride, bias: false });
    this.bn = new BatchNorm(bn, outChannels);
  }

  /** NHWC in and out; `training` normalises with the batch statistics and updates the running ones. */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return this.bn.apply(this.conv.apply(x), training);
  }

  /** `apply` followed by ReLU. */
  applyRelu(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.relu(this.apply(x, training));
  }
}

/** One [Conv, BN, ReLU] of a sequence: output channels, kernel and stride. */
export interface ConvSpec {
  channels: number;
  kernel: number;
  stride?: number;
}

/**
 * An nn.Sequential of [Conv, BN, ReLU] triples as upstream names it: conv k at index offset + 3k, its BatchNorm at
 * offset + 3k + 1 (`offset` 1 when a module such as an Upsample comes first).
 */
export function convBnReluSequence(
  scope: ParamScope,
  inChannels: number,
  layers: readonly ConvSpec[],
  offset = 0,
): ConvBn[] {
  let cin = inChannels;
  return layers.map(({ channels, kernel, stride }, k) => {
    const layer = new ConvBn(
      scope.scope(`${offset + 3 * k}`),
      scope.scope(`${offset + 3 * k + 1}`),
      cin,
      channels,
      kernel,
      stride,
    );
    cin = channels;
    return layer;
  });
}
