import { Branches, Ffn } from '@mim4d/finetune';
import {
  BatchNorm,
  Conv3d,
  dropout,
  gridSample,
  LayerNorm,
  Linear,
  MultiHeadAttention,
  type ParamScope,
  type ParamStore,
  type SeededRandom,
  tf,
  xavierUniform,
} from '@mim4d/nn';
import type { DetectionConfig } from '../config.ts';

/** Entries of the box code: (cx, cy, log w, log l, cz, log h, sin yaw, cos yaw, vx, vy). */
export const CODE_SIZE = 10;

/** One decoder layer's predictions: class logits [Q, classes] and the box code [Q, 10], centres in metres. */
export interface LayerOutput {
  logits: tf.Tensor2D;
  code: tf.Tensor2D;
}

const zeros = { kind: 'zeros' } as const;
/**
 * UniCrossAtten (heads.md 1.1 item 4): each query reads the voxel volume at exactly its reference point, one
 * trilinear sample gated by a sigmoid of the query, projected, plus the query and an MLP encoding of the reference
 * logits. The sample sits at the metric reference, (p - min) / voxel size in corner-sampled voxels (bug U1 fixed).
 */
class VoxelCrossAttention {
  readonly gate: Linear;
  readonly out: Linear;
  readonly pe1: Linear;
  readonly peNorm1: LayerNorm;
  readonly pe2: Linear;
  readonly peNorm2: LayerNorm;
  constructor(
    scope: ParamScope,
    dims: number,
    readonly p: number,
  ) {
    this.gate = new Linear(scope.scope('attention_weights'), dims, 1, { weightInit: zeros, biasInit: zeros });
    this.out = new Linear(scope.scope('output_proj'), dims, dims, {
      weightInit: xavierUniform(dims, dims),
      biasInit: zeros,
    });
    this.pe1 = new Linear(scope.scope('position_encoder.0'), 3, dims, {
      weightInit: xavierUniform(3, dims),
      biasInit: zeros,
    });
    this.peNorm1 = new LayerNorm(scope.scope('position_encoder.1'), dims, 1e-5);
    this.pe2 = new Linear(scope.scope('position_encoder.3'), dims, dims, {
      weightInit: xavierUniform(dims, dims),
      biasInit: zeros,
    });
    this.peNorm2 = new LayerNorm(scope.scope('position_encoder.4'), dims, 1e-5);
  }

  /** `coords`: the reference in voxel units per axis (x, y, z), from the sigmoid of the logits `ref`. */
  apply(
    query: tf.Tensor2D,
    queryPos: tf.Tensor2D,
    ref: tf.Tensor2D,
    volume: VolumeTable,
    rng: SeededRandom | null,
  ): tf.Tensor2D {
    const g = tf.sigmoid(this.gate.apply(tf.add(query, queryPos)));
    const coords = volume.voxelCoords(ref);
    const sampled = gridSample(volume.table, volume.dims, coords);
    const pe = tf.relu(this.peNorm2.apply(this.pe2.apply(tf.relu(this.peNorm1.apply(this.pe1.apply(ref))))));
    return tf.add(tf.add(dropout(this.out.apply(tf.mul(g, sampled)), this.p, rng), query), pe);
  }
}

/** A channels-last volume as the flat [cells, C] table gridSample reads, with the metric frame of its voxels. */
export class VolumeTable {
  readonly dims: [number, number, number];
  constructor(
    readonly table: tf.Tensor2D,
    /** Voxels per axis (x, y, z); voxel i stands for the corner point min + i * size. */
    cells: { x: number; y: number; z: number },
    /** [xmin, ymin, zmin, xmax, ymax, zmax] of the box normalisation, metres. */
    readonly pcRange: readonly number[],
    readonly voxelSize: readonly number[],
  ) {
    this.dims = [cells.x, cells.y, cells.z];
  }

  /** Reference logits [Q, 3] -> voxel coordinates per axis: sigmoid to [0, 1], to metres, to voxel units. */
  voxelCoords(ref: tf.Tensor2D): tf.Tensor1D[] {
    const u = tf.sigmoid(ref);
    return [0, 1, 2].map((a) => {
      const extent = this.pcRange[a + 3] - this.pcRange[a];
      return tf.mul(
        tf.reshape(tf.slice(u, [0, a], [-1, 1]), [-1]),
        extent / this.voxelSize[a],
      ) as tf.Tensor1D;
    });
  }
}

/** Post-norm decoder layer: self-attention, norm, voxel cross-attention, norm, FFN, norm (config 94-132). */
class DecoderLayer {
  readonly selfAttn: MultiHeadAttention;
  readonly norm1: LayerNorm;
  readonly cross: VoxelCrossAttention;
  readonly norm2: LayerNorm;
  readonly ffn: Ffn;
  readonly norm3: LayerNorm;
  constructor(scope: ParamScope, config: DetectionConfig['head']) {
    this.selfAttn = new MultiHeadAttention(
      scope.scope('attentions.0.attn'),
      config.dims,
      config.heads,
      config.dropout,
    );
    this.norm1 = new LayerNorm(scope.scope('norms.0'), config.dims, 1e-5);
    this.cross = new VoxelCrossAttention(scope.scope('attentions.1'), config.dims, config.dropout);
    this.norm2 = new LayerNorm(scope.scope('norms.1'), config.dims, 1e-5);
    this.ffn = new Ffn(scope.scope('ffns.0'), config.dims, config.ffn, config.dropout);
    this.norm3 = new LayerNorm(scope.scope('norms.2'), config.dims, 1e-5);
  }

  apply(
    query: tf.Tensor2D,
    queryPos: tf.Tensor2D,
    ref: tf.Tensor2D,
    volume: VolumeTable,
    rng: SeededRandom | null,
    p: number,
  ): tf.Tensor2D {
    const qk = tf.add(query, queryPos) as tf.Tensor2D;
    let x = this.norm1.apply(
      tf.add(query, dropout(this.selfAttn.apply(qk, qk, query, rng), p, rng)) as tf.Tensor2D,
    );
    x = this.norm2.apply(this.cross.apply(x, queryPos, ref, volume, rng));
    return this.norm3.apply(this.ffn.apply(x, rng));
  }
}

/**
 * The UVTR head of the vs0.1 setting (heads.md 1.1): voxel convs on the lifted volume, learnable queries with
 * reference logits, a post-norm decoder of self-attention + voxel cross-attention + FFN, and per-layer class and
 * box branches with iterative refinement of the references.
 */
export class UvtrHead {
  readonly voxelConvs: { conv: Conv3d; bn: BatchNorm }[];
  readonly queryEmbedding: tf.Variable;
  readonly referencePoints: Linear;
  readonly layers: DecoderLayer[];
  readonly branches: Branches[];

  constructor(
    params: ParamStore,
    readonly config: DetectionConfig['head'],
    inChannels: number,
    readonly classes: number,
  ) {
    const d = config.dims;
    this.voxelConvs = Array.from({ length: config.voxelConvs }, (_, i) => {
      const cin = i === 0 ? inChannels : d;
      const s = params.scope(`view_trans.conv_layer.${i}`);
      return {
        conv: new Conv3d(s.scope('conv'), cin, d, 3, true, {
          weight: xavierUniform(cin * 27, d * 27),
          bias: zeros,
        }),
        bn: new BatchNorm(s.scope('bn'), d),
      };
    });
    const head = params.scope('pts_bbox_head');
    this.queryEmbedding = head.create('query_embedding.weight', [config.queries, 2 * d], {
      kind: 'normal',
      std: 1,
    });
    this.referencePoints = new Linear(head.scope('transformer.reference_points'), d, 3, {
      weightInit: xavierUniform(d, 3),
      biasInit: zeros,
    });
    this.layers = Array.from(
      { length: config.layers },
      (_, l) => new DecoderLayer(head.scope(`transformer.decoder.layers.${l}`), config),
    );
    this.branches = Array.from(
      { length: config.layers },
      (_, l) =>
        new Branches(head.scope(`cls_branches.${l}`), head.scope(`reg_branches.${l}`), d, classes, CODE_SIZE),
    );
  }

  /** Lifted volume [1, Z, Y, X, C] -> the encoded volume [1, Z, Y, X, dims] the decoder samples. */
  encodeVolume(lifted: tf.Tensor5D, training: boolean): tf.Tensor5D {
    let x = lifted;
    for (const { conv, bn } of this.voxelConvs) x = tf.relu(bn.apply(conv.apply(x), training));
    return x;
  }

  /**
   * The decoder over an encoded volume: every layer's logits and box code (heads.md 1.1 item 6). `rng` null is
   * evaluation (no dropout).
   */
  decode(volume: VolumeTable, rng: SeededRandom | null): LayerOutput[] {
    const d = this.config.dims;
    const q = this.config.queries;
    const queryPos = tf.slice(this.queryEmbedding, [0, 0], [q, d]) as tf.Tensor2D;
    let query = tf.slice(this.queryEmbedding, [0, d], [q, d]) as tf.Tensor2D;
    let ref = this.referencePoints.apply(queryPos);
    const [x0, y0, z0, x1, y1, z1] = volume.pcRange;
    const lo = tf.tensor1d([x0, y0, z0]);
    const extent = tf.tensor1d([x1 - x0, y1 - y0, z1 - z0]);
    const outputs: LayerOutput[] = [];
    this.layers.forEach((layer, l) => {
      query = layer.apply(query, queryPos, ref, volume, rng, this.config.dropout);
      const delta = this.branches[l].delta(query);
      const centreLogits = tf.add(tf.gather(delta, [0, 1, 4], 1), ref);
      const centre = tf.add(lo, tf.mul(tf.sigmoid(centreLogits), extent));
      const code = tf.concat(
        [
          tf.slice(centre, [0, 0], [-1, 2]),
          tf.slice(delta, [0, 2], [-1, 2]),
          tf.slice(centre, [0, 2], [-1, 1]),
          tf.slice(delta, [0, 5], [-1, 5]),
        ],
        1,
      ) as tf.Tensor2D;
      outputs.push({ logits: this.branches[l].logits(query), code });
      // The refined reference is detached (uni3d_detr.py:128-143): copied through the host, off the tape.
      ref = tf.tensor2d(centreLogits.dataSync() as Float32Array, [this.config.queries, 3]);
    });
    return outputs;
  }
}
