import { Conv2d, LayerNorm, Linear, type ParamScope, sinePositionalEncoding } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';
import { DeformableAttention } from './deformable-attention.ts';
import type { VoxelGrid } from './voxel-grid.ts';

class DecoderLayer {
  readonly attn: DeformableAttention;
  readonly norm1: LayerNorm;
  readonly ffn1: Linear;
  readonly ffn2: Linear;
  readonly norm2: LayerNorm;

  constructor(
    scope: ParamScope,
    dim: number,
    heads: number,
    frames: number,
    points: number,
    ffn: number,
    grid: VoxelGrid,
  ) {
    this.attn = new DeformableAttention(scope.scope('attn'), dim, heads, frames, points, grid.y, grid.x);
    this.norm1 = new LayerNorm(scope.scope('norm1'), dim, 1e-5);
    this.ffn1 = new Linear(scope.scope('ffn.0'), dim, ffn);
    this.ffn2 = new Linear(scope.scope('ffn.1'), ffn, dim);
    this.norm2 = new LayerNorm(scope.scope('norm2'), dim, 1e-5);
  }

  apply(query: tf.Tensor2D, pos: tf.Tensor2D, maps: tf.Tensor2D[]): tf.Tensor2D {
    const x = this.norm1.apply(this.attn.apply(query, pos, maps));
    return this.norm2.apply(tf.add(x, this.ffn2.apply(tf.relu(this.ffn1.apply(x)))));
  }
}

class Branch {
  readonly queries: tf.Variable;
  readonly pos: tf.Tensor2D;
  readonly layers: DecoderLayer[];

  constructor(
    scope: ParamScope,
    dim: number,
    heads: number,
    frames: number,
    ffn: number,
    config: Mim4dConfig,
    grid: VoxelGrid,
  ) {
    this.queries = scope.create('bev_queries', [grid.y * grid.x, dim], { kind: 'normal', std: 1 });
    this.pos = tf.keep(sinePositionalEncoding(grid.y, grid.x, dim));
    this.layers = Array.from(
      { length: config.decoder.layers },
      (_, l) =>
        new DecoderLayer(scope.scope(`layer${l}`), dim, heads, frames, config.decoder.points, ffn, grid),
    );
  }

  apply(maps: tf.Tensor2D[]): tf.Tensor2D {
    let q = this.queries as tf.Tensor as tf.Tensor2D;
    for (const layer of this.layers) q = layer.apply(q, this.pos, maps);
    return q;
  }
}

/**
 * HoP-style temporal BEV decoder (method spec 1.6): reconstructs the dropped frame's volume from the other frames'
 * volumes, already warped into its ego frame. A short-term branch attends to the first listed frame, a long-term
 * branch at reduced width to all of them.
 */
export class TemporalDecoder {
  readonly heightToChannel: Linear;
  readonly bevNorm: LayerNorm;
  readonly frameEmbeds: tf.Variable;
  readonly short: Branch;
  readonly longReduce: Linear;
  readonly longNorm: LayerNorm;
  readonly long: Branch;
  readonly outConv: Conv2d;
  readonly outNorm: LayerNorm;

  constructor(
    scope: ParamScope,
    readonly config: Mim4dConfig,
    readonly grid: VoxelGrid,
  ) {
    const d = config.decoder;
    const others = config.input.frames - 1;
    const volumeChannels = config.volume.channels * grid.z;
    this.heightToChannel = new Linear(scope.scope('height_to_channel'), volumeChannels, d.bevChannels, {
      bias: false,
    });
    this.bevNorm = new LayerNorm(scope.scope('bev_norm'), d.bevChannels, 1e-5);
    this.frameEmbeds = scope.create('frame_embeds', [others, d.bevChannels], { kind: 'normal', std: 0.02 });
    this.short = new Branch(scope.scope('short'), d.shortDim, d.shortHeads, 1, d.shortFfn, config, grid);
    this.longReduce = new Linear(scope.scope('long_reduce'), d.bevChannels, d.longDim);
    this.longNorm = new LayerNorm(scope.scope('long_norm'), d.longDim, 1e-5);
    this.long = new Branch(scope.scope('long'), d.longDim, d.longHeads, others, d.longFfn, config, grid);
    this.outConv = new Conv2d(scope.scope('out_conv'), d.shortDim + d.longDim, volumeChannels, {
      kernel: 3,
      bias: false,
    });
    this.outNorm = new LayerNorm(scope.scope('out_norm'), volumeChannels, 1e-5);
  }

  /** warped: the T-1 other frames' volumes [Z, Y, X, C] in ascending frame order; returns V-hat [Z, Y, X, C]. */
  apply(warped: tf.Tensor4D[]): tf.Tensor4D {
    const { x: X, y: Y, z: Z } = this.grid;
    const c = this.config.volume.channels;
    const bev = warped.map((v, i) => {
      const flat = tf.reshape(tf.transpose(v, [1, 2, 0, 3]), [Y * X, Z * c]) as tf.Tensor2D;
      const embed = tf.slice(this.frameEmbeds, [i, 0], [1, -1]);
      return tf.add(this.bevNorm.apply(this.heightToChannel.apply(flat)), embed) as tf.Tensor2D;
    });
    const shortOut = this.short.apply([bev[0]]);
    const longOut = this.long.apply(bev.map((b) => this.longNorm.apply(this.longReduce.apply(b))));
    const fused = tf.reshape(tf.concat([shortOut, longOut], 1), [1, Y, X, -1]) as tf.Tensor4D;
    const out = this.outNorm.apply(this.outConv.apply(fused));
    return tf.transpose(tf.reshape(out, [Y, X, Z, c]), [2, 0, 1, 3]);
  }
}
