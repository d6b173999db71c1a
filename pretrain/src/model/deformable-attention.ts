import { gridSample, Linear, type ParamScope } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';

/**
 * BEVFormer temporal deformable attention over F frame maps of size H x W: each query, with its reference at its
 * own cell centre, predicts per (head, frame, point) a 2-D offset in cells and a weight (softmax over points);
 * value-projected maps are sampled bilinearly, weighted, averaged over frames, projected, and added to the query.
 */
export class DeformableAttention {
  readonly valueProj: Linear;
  readonly offsets: Linear;
  readonly weights: Linear;
  readonly outProj: Linear;
  private readonly planes: Int32Array;
  private readonly refX: tf.Tensor1D;
  private readonly refY: tf.Tensor1D;

  constructor(
    scope: ParamScope,
    readonly dim: number,
    readonly heads: number,
    readonly frames: number,
    readonly points: number,
    readonly height: number,
    readonly width: number,
  ) {
    const hfp = heads * frames * points;
    // BEVFormer init: zero offset weights, biases fanning out along head directions by (point index + 1).
    const bias = new Float32Array(hfp * 2);
    for (let h = 0; h < heads; h++) {
      const theta = (2 * Math.PI * h) / heads;
      const c = Math.cos(theta);
      const s = Math.sin(theta);
      const norm = Math.max(Math.abs(c), Math.abs(s));
      for (let f = 0; f < frames; f++) {
        for (let p = 0; p < points; p++) {
          const o = ((h * frames + f) * points + p) * 2;
          bias[o] = (c / norm) * (p + 1);
          bias[o + 1] = (s / norm) * (p + 1);
        }
      }
    }
    this.valueProj = new Linear(scope.scope('value_proj'), dim, dim);
    this.offsets = new Linear(scope.scope('sampling_offsets'), dim, hfp * 2, {
      weightInit: { kind: 'zeros' },
      biasInit: { kind: 'values', values: bias },
    });
    this.weights = new Linear(scope.scope('attention_weights'), dim, hfp, {
      weightInit: { kind: 'zeros' },
      biasInit: { kind: 'zeros' },
    });
    this.outProj = new Linear(scope.scope('output_proj'), dim, dim);
    const q = height * width;
    // Sample order is [query, head, frame, point]; planes of the value table are [frame, head].
    this.planes = new Int32Array(q * hfp);
    const rx = new Float32Array(q * hfp);
    const ry = new Float32Array(q * hfp);
    for (let i = 0; i < q; i++) {
      for (let h = 0; h < heads; h++) {
        for (let f = 0; f < frames; f++) {
          for (let p = 0; p < points; p++) {
            const o = ((i * heads + h) * frames + f) * points + p;
            this.planes[o] = f * heads + h;
            rx[o] = i % width;
            ry[o] = Math.floor(i / width);
          }
        }
      }
    }
    this.refX = tf.keep(tf.tensor1d(rx));
    this.refY = tf.keep(tf.tensor1d(ry));
  }

  /** query, pos: [Q, D]; maps: F tensors [Q, D] (row-major H x W). Returns [Q, D]. */
  apply(query: tf.Tensor2D, pos: tf.Tensor2D, maps: tf.Tensor2D[]): tf.Tensor2D {
    if (maps.length !== this.frames) {
      throw new Error(`DeformableAttention: built for ${this.frames} frames, given ${maps.length}`);
    }
    const { heads, frames, points, dim } = this;
    const hd = dim / heads;
    const q = this.height * this.width;
    const withPos = tf.add(query, pos);
    const table = tf.reshape(
      tf.stack(maps.map((m) => tf.transpose(tf.reshape(this.valueProj.apply(m), [q, heads, hd]), [1, 0, 2]))),
      [frames * heads * q, hd],
    ) as tf.Tensor2D;
    const off = tf.reshape(this.offsets.apply(withPos), [-1, 2]);
    const x = tf.add(this.refX, tf.reshape(tf.slice(off, [0, 0], [-1, 1]), [-1])) as tf.Tensor1D;
    const y = tf.add(this.refY, tf.reshape(tf.slice(off, [0, 1], [-1, 1]), [-1])) as tf.Tensor1D;
    const sampled = tf.reshape(gridSample(table, [this.width, this.height], [x, y], this.planes), [
      q,
      heads,
      frames,
      points,
      hd,
    ]);
    const w = tf.softmax(tf.reshape(this.weights.apply(withPos), [q, heads, frames, points]));
    const mixed = tf.mean(tf.sum(tf.mul(sampled, tf.expandDims(w, 4)), 3), 2);
    return tf.add(query, this.outProj.apply(tf.reshape(mixed, [q, dim]) as tf.Tensor2D));
  }

  dispose(): void {
    this.refX.dispose();
    this.refY.dispose();
  }
}
