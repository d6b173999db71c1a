import {
  dropout,
  gridSample,
  Linear,
  type ParamScope,
  type SeededRandom,
  tf,
  xavierUniform,
} from '@mim4d/nn';

/** The BEV the decoder reads: a [cellsX * cellsY, C] table, row i·cellsY + j (i along lidar x, j along y). */
export interface BevTable {
  table: tf.Tensor2D;
  cellsX: number;
  cellsY: number;
}

const zeros = { kind: 'zeros' } as const;

/**
 * MapTR's CustomMSDeformableAttention on one BEV level (heads.md 3.1): per (head, point) a Linear offset in cells
 * and a weight (softmax over the points) from query + pos; the value-projected BEV is sampled bilinearly with zeros
 * padding at ref · (W, H) + offset - ½ (grid_sample's align_corners = False, in our align-corners gridSample), the
 * samples weighted, projected, dropped out and added to the query. Init as mmcv: offsets fanned out along the head
 * directions × (point + 1), weights 0, projections xavier-uniform.
 */
export class MapTrDeformableAttention {
  readonly valueProj: Linear;
  readonly offsets: Linear;
  readonly weights: Linear;
  readonly outProj: Linear;

  constructor(
    scope: ParamScope,
    readonly dims: number,
    readonly heads: number,
    readonly points: number,
  ) {
    const bias = new Float32Array(heads * points * 2);
    for (let h = 0; h < heads; h++) {
      const theta = (2 * Math.PI * h) / heads;
      const norm = Math.max(Math.abs(Math.cos(theta)), Math.abs(Math.sin(theta)));
      for (let p = 0; p < points; p++) {
        bias[(h * points + p) * 2] = (Math.cos(theta) / norm) * (p + 1);
        bias[(h * points + p) * 2 + 1] = (Math.sin(theta) / norm) * (p + 1);
      }
    }
    const xavier = { weightInit: xavierUniform(dims, dims), biasInit: zeros };
    this.valueProj = new Linear(scope.scope('value_proj'), dims, dims, xavier);
    this.offsets = new Linear(scope.scope('sampling_offsets'), dims, heads * points * 2, {
      weightInit: zeros,
      biasInit: { kind: 'values', values: bias },
    });
    this.weights = new Linear(scope.scope('attention_weights'), dims, heads * points, {
      weightInit: zeros,
      biasInit: zeros,
    });
    this.outProj = new Linear(scope.scope('output_proj'), dims, dims, xavier);
  }

  /** query, pos [Q, d]; ref [Q, 2] normalised (x, y) in the patch; returns [Q, d]. */
  apply(
    query: tf.Tensor2D,
    pos: tf.Tensor2D,
    ref: tf.Tensor2D,
    bev: BevTable,
    p: number,
    rng: SeededRandom | null,
  ): tf.Tensor2D {
    const { heads, points, dims } = this;
    const Q = query.shape[0];
    const hd = dims / heads;
    const cells = bev.cellsX * bev.cellsY;
    const withPos = tf.add(query, pos) as tf.Tensor2D;
    // Planes [head, cell]: head h's value channels of every cell.
    const value = tf.reshape(
      tf.transpose(tf.reshape(this.valueProj.apply(bev.table), [cells, heads, hd]), [1, 0, 2]),
      [heads * cells, hd],
    ) as tf.Tensor2D;
    const off = tf.reshape(this.offsets.apply(withPos), [Q, heads, points, 2]);
    const axis = (a: number, n: number) =>
      tf.reshape(
        tf.sub(
          tf.add(
            tf.mul(tf.reshape(tf.slice(ref, [0, a], [-1, 1]), [Q, 1, 1]), n),
            tf.reshape(tf.slice(off, [0, 0, 0, a], [-1, -1, -1, 1]), [Q, heads, points]),
          ),
          0.5,
        ),
        [-1],
      ) as tf.Tensor1D;
    const sampled = tf.reshape(
      gridSample(value, [bev.cellsY, bev.cellsX], [axis(1, bev.cellsY), axis(0, bev.cellsX)], this.planes(Q)),
      [Q, heads, points, hd],
    );
    const w = tf.softmax(tf.reshape(this.weights.apply(withPos), [Q, heads, points]));
    const mixed = tf.reshape(tf.sum(tf.mul(sampled, tf.expandDims(w, 3)), 2), [Q, dims]) as tf.Tensor2D;
    return tf.add(query, dropout(this.outProj.apply(mixed), p, rng));
  }

  /** The head of each sample, in [query, head, point] order. */
  private planes(Q: number): Int32Array {
    const { heads, points } = this;
    const planes = new Int32Array(Q * heads * points);
    for (let i = 0; i < planes.length; i++) planes[i] = Math.floor(i / points) % heads;
    return planes;
  }
}
