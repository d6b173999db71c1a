import {
  Conv2d,
  DepthwiseConv2d,
  gelu,
  LayerNorm,
  Linear,
  type ParamScope,
  type SeededRandom,
} from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';
import type { PatchMask } from './masking.ts';

class Block {
  readonly dw: DepthwiseConv2d;
  readonly norm: LayerNorm;
  readonly pw1: Linear;
  readonly pw2: Linear;
  readonly gamma: tf.Variable;

  constructor(scope: ParamScope, channels: number, kernel: number, layerScale: number) {
    this.dw = new DepthwiseConv2d(scope.scope('dwconv'), channels, kernel);
    this.norm = new LayerNorm(scope.scope('norm'), channels);
    const tn = { kind: 'truncNormal', std: 0.02 } as const;
    const zero = { kind: 'zeros' } as const;
    this.pw1 = new Linear(scope.scope('pwconv1'), channels, 4 * channels, { weightInit: tn, biasInit: zero });
    this.pw2 = new Linear(scope.scope('pwconv2'), 4 * channels, channels, { weightInit: tn, biasInit: zero });
    this.gamma = scope.create('gamma', [channels], { kind: 'constant', value: layerScale });
  }

  apply(x: tf.Tensor4D, keep: tf.Tensor4D, dropRate: number, rng: SeededRandom | null): tf.Tensor4D {
    let y = tf.mul(this.dw.apply(x), keep);
    y = tf.mul(this.norm.apply(y), keep);
    y = this.pw2.apply(gelu(this.pw1.apply(y)));
    y = tf.mul(tf.mul(y, this.gamma), keep);
    if (rng !== null && dropRate > 0) {
      // Stochastic depth per image: drop the whole residual branch, rescale the survivors.
      const n = x.shape[0];
      const survive = Float32Array.from({ length: n }, () =>
        rng.next() < dropRate ? 0 : 1 / (1 - dropRate),
      );
      y = tf.mul(y, tf.tensor4d(survive, [n, 1, 1, 1]));
    }
    return tf.add(x, y);
  }
}

/**
 * SparK-style sparse ConvNeXt: every conv output, LayerNorm output and residual branch is multiplied by the
 * keep-mask at its stride, so masked patches stay exactly zero and never leak into visible ones through the
 * statistics. With an all-ones mask it is the dense ConvNeXt.
 */
export class SparseConvNeXt {
  readonly stem: Conv2d;
  readonly stemNorm: LayerNorm;
  readonly downsampleNorms: LayerNorm[] = [];
  readonly downsampleConvs: Conv2d[] = [];
  readonly stages: Block[][] = [];
  readonly outNorms = new Map<number, LayerNorm>();
  private readonly dropRates: number[][] = [];

  constructor(
    scope: ParamScope,
    readonly config: Mim4dConfig,
  ) {
    const e = config.encoder;
    const ch = e.stageChannels;
    this.stem = new Conv2d(scope.scope('stem.conv'), 3, ch[0], {
      kernel: e.stemStride,
      stride: e.stemStride,
      padding: 0,
    });
    this.stemNorm = new LayerNorm(scope.scope('stem.norm'), ch[0]);
    const totalBlocks = e.stageDepths.reduce((a, b) => a + b, 0);
    let blockIndex = 0;
    for (let s = 0; s < ch.length; s++) {
      if (s > 0) {
        this.downsampleNorms.push(new LayerNorm(scope.scope(`downsample${s}.norm`), ch[s - 1]));
        this.downsampleConvs.push(
          new Conv2d(scope.scope(`downsample${s}.conv`), ch[s - 1], ch[s], {
            kernel: 2,
            stride: 2,
            padding: 0,
          }),
        );
      }
      const blocks: Block[] = [];
      const rates: number[] = [];
      for (let b = 0; b < e.stageDepths[s]; b++) {
        blocks.push(new Block(scope.scope(`stage${s}.block${b}`), ch[s], e.kernelSize, e.layerScaleInit));
        rates.push(totalBlocks > 1 ? (e.dropPath * blockIndex) / (totalBlocks - 1) : 0);
        blockIndex++;
      }
      this.stages.push(blocks);
      this.dropRates.push(rates);
    }
    for (const s of config.neck.inStages) this.outNorms.set(s, new LayerNorm(scope.scope(`norm${s}`), ch[s]));
  }

  stride(stage: number): number {
    return this.config.encoder.stemStride * 2 ** stage;
  }

  /**
   * images [n, H, W, 3] (normalised, masked patches already zero); returns the normalised outputs of the neck's
   * input stages. `rng` enables stochastic depth (training); null disables it.
   */
  apply(images: tf.Tensor4D, mask: PatchMask, rng: SeededRandom | null): Map<number, tf.Tensor4D> {
    const out = new Map<number, tf.Tensor4D>();
    let keep = mask.atStride(this.stride(0));
    let x: tf.Tensor4D = tf.mul(this.stem.apply(images), keep);
    x = tf.mul(this.stemNorm.apply(x), keep);
    for (let s = 0; s < this.stages.length; s++) {
      if (s > 0) {
        x = tf.mul(this.downsampleNorms[s - 1].apply(x), keep);
        keep = mask.atStride(this.stride(s));
        x = tf.mul(this.downsampleConvs[s - 1].apply(x), keep);
      }
      this.stages[s].forEach((block, b) => {
        x = block.apply(x, keep, this.dropRates[s][b], rng);
      });
      const norm = this.outNorms.get(s);
      if (norm !== undefined) out.set(s, tf.mul(norm.apply(x), keep));
    }
    return out;
  }
}
