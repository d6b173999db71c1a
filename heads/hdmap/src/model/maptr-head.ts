import { Branches, Ffn } from '@mim4d/finetune';
import {
  dropout,
  LayerNorm,
  Linear,
  MultiHeadAttention,
  type ParamScope,
  type SeededRandom,
  tf,
  xavierUniform,
} from '@mim4d/nn';
import type { HdMapConfig } from '../config.ts';
import type { HdMapLayerOutput } from '../loss.ts';
import { type BevTable, MapTrDeformableAttention } from './deformable-attention.ts';

/** mmdet's inverse_sigmoid: log(x / (1 - x)) with both clamped to at least 1e-5. */
export const INVERSE_SIGMOID_EPS = 1e-5;

export function inverseSigmoid(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const c = tf.clipByValue(x, 0, 1);
    return tf.log(
      tf.div(tf.clipByValue(c, INVERSE_SIGMOID_EPS, 1), tf.clipByValue(tf.sub(1, c), INVERSE_SIGMOID_EPS, 1)),
    ) as tf.Tensor2D;
  });
}

/** Post-norm decoder layer: self-attention, norm, deformable BEV cross-attention, norm, FFN, norm. */
class DecoderLayer {
  readonly selfAttn: MultiHeadAttention;
  readonly norm1: LayerNorm;
  readonly cross: MapTrDeformableAttention;
  readonly norm2: LayerNorm;
  readonly ffn: Ffn;
  readonly norm3: LayerNorm;
  constructor(scope: ParamScope, head: HdMapConfig['head']) {
    this.selfAttn = new MultiHeadAttention(
      scope.scope('attentions.0.attn'),
      head.dims,
      head.heads,
      head.dropout,
    );
    this.norm1 = new LayerNorm(scope.scope('norms.0'), head.dims, 1e-5);
    this.cross = new MapTrDeformableAttention(
      scope.scope('attentions.1'),
      head.dims,
      head.heads,
      head.deformPoints,
    );
    this.norm2 = new LayerNorm(scope.scope('norms.1'), head.dims, 1e-5);
    this.ffn = new Ffn(scope.scope('ffns.0'), head.dims, head.ffn, head.dropout);
    this.norm3 = new LayerNorm(scope.scope('norms.2'), head.dims, 1e-5);
  }

  apply(
    query: tf.Tensor2D,
    queryPos: tf.Tensor2D,
    ref: tf.Tensor2D,
    bev: BevTable,
    p: number,
    rng: SeededRandom | null,
  ): tf.Tensor2D {
    const qk = tf.add(query, queryPos) as tf.Tensor2D;
    let x = this.norm1.apply(
      tf.add(query, dropout(this.selfAttn.apply(qk, qk, query, rng), p, rng)) as tf.Tensor2D,
    );
    x = this.norm2.apply(this.cross.apply(x, queryPos, ref, bev, p, rng));
    return this.norm3.apply(this.ffn.apply(x, rng));
  }
}

/**
 * MapTR's head (heads.md 3.1): hierarchical queries (instance embedding + point embedding, V x P, split into
 * query_pos | query), a reference point per query from query_pos, a post-norm decoder of self-attention over all
 * V·P queries + deformable attention on the lidar-frame BEV + FFN, and per layer a class branch on the mean point
 * feature of each instance and a point branch refining the references (pts = sigmoid(δ + logit(ref)), the next
 * layer's reference detached).
 */
export class MapTrHead {
  readonly instanceEmbedding: tf.Variable;
  readonly ptsEmbedding: tf.Variable;
  readonly referencePoints: Linear;
  readonly layers: DecoderLayer[];
  readonly branches: Branches[];

  constructor(
    scope: ParamScope,
    readonly config: HdMapConfig['head'],
    readonly classes: number,
  ) {
    const d = config.dims;
    this.instanceEmbedding = scope.create('instance_embedding.weight', [config.vectors, 2 * d], {
      kind: 'normal',
      std: 1,
    });
    this.ptsEmbedding = scope.create('pts_embedding.weight', [config.points, 2 * d], {
      kind: 'normal',
      std: 1,
    });
    this.referencePoints = new Linear(scope.scope('transformer.reference_points'), d, 2, {
      weightInit: xavierUniform(d, 2),
      biasInit: { kind: 'zeros' },
    });
    this.layers = Array.from(
      { length: config.layers },
      (_, l) => new DecoderLayer(scope.scope(`transformer.decoder.layers.${l}`), config),
    );
    this.branches = Array.from(
      { length: config.layers },
      (_, l) =>
        new Branches(scope.scope(`cls_branches.${l}`), scope.scope(`reg_branches.${l}`), d, classes, 2),
    );
  }

  /** query_pos and query [V·P, d], row v·P + p: the first and second halves of instance + point embeddings. */
  queries(): { queryPos: tf.Tensor2D; query: tf.Tensor2D } {
    const { vectors: V, points: P, dims: d } = this.config;
    const summed = tf.reshape(
      tf.add(tf.expandDims(this.instanceEmbedding, 1), tf.expandDims(this.ptsEmbedding, 0)),
      [V * P, 2 * d],
    );
    return {
      queryPos: tf.slice(summed, [0, 0], [-1, d]) as tf.Tensor2D,
      query: tf.slice(summed, [0, d], [-1, d]) as tf.Tensor2D,
    };
  }

  /** Every layer's class logits [V, classes] and points [V, P, 2] (normalised) over the BEV. */
  decode(bev: BevTable, rng: SeededRandom | null): HdMapLayerOutput[] {
    const { vectors: V, points: P, dims: d, dropout: p } = this.config;
    const queries = this.queries();
    const { queryPos } = queries;
    let { query } = queries;
    let ref = tf.sigmoid(this.referencePoints.apply(queryPos)) as tf.Tensor2D;
    const outputs: HdMapLayerOutput[] = [];
    this.layers.forEach((layer, l) => {
      query = layer.apply(query, queryPos, ref, bev, p, rng);
      const branch = this.branches[l];
      const pts = tf.sigmoid(tf.add(branch.delta(query), inverseSigmoid(ref))) as tf.Tensor2D;
      const instances = tf.mean(tf.reshape(query, [V, P, d]), 1) as tf.Tensor2D;
      outputs.push({ logits: branch.logits(instances), pts: tf.reshape(pts, [V, P, 2]) as tf.Tensor3D });
      // The refined reference is detached (MapTR decoder.py:47-72): copied through the host, off the tape.
      ref = tf.tensor2d(pts.dataSync() as Float32Array, [V * P, 2]);
    });
    return outputs;
  }
}
