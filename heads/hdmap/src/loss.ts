/**
 * MapTR's training loss (heads.md 3.1): per decoder layer, a Hungarian matching of instance queries to GT instances
 * under focal + order-min point-L1 costs, then the focal loss over every logit, the point L1 against each match's
 * cheapest order and the edge-direction cosine loss; summed over the layers.
 */
import { focalCost, linearSumAssignment, sigmoidFocalLoss } from '@mim4d/finetune';
import { tf } from '@mim4d/nn';
import type { HdMapConfig } from './config.ts';
import type { MapTrTargets } from './data/gt-orders.ts';

/** One decoder layer's outputs for one sample. */
export interface HdMapLayerOutput {
  /** [V, classes] class logits. */
  logits: tf.Tensor2D;
  /** [V, P, 2] points normalised to the patch (sigmoid outputs). */
  pts: tf.Tensor3D;
}

export type HdMapLossWeights = HdMapConfig['loss'];

/** Each query's matched GT instance (-1: background) and the order of that instance it is matched in. */
export interface LayerMatch {
  instance: Int32Array;
  order: Int32Array;
}

export interface HdMapLoss {
  cls: tf.Scalar;
  pts: tf.Scalar;
  dir: tf.Scalar;
  /** Queries matched to an instance in each layer: min(V, G). */
  matched: number;
}

/** torch's cosine_embedding_loss adds this to each squared norm. */
const COSINE_EPS = 1e-12;

/**
 * The order-min point cost (MapTR's OrderedPtsL1Cost): for query q and instance g, the smallest L1 distance over
 * g's orders between the 2P normalised coordinates, and which order gives it (the first on ties). `pts` is the
 * predictions [V, P, 2] on the host.
 */
export function orderMinCost(
  pts: Float32Array,
  V: number,
  targets: MapTrTargets,
): { cost: Float64Array; order: Int32Array } {
  const { count: G, maxOrders, points: P, orderCounts } = targets;
  const K = P * 2;
  const cost = new Float64Array(V * G);
  const order = new Int32Array(V * G);
  for (let q = 0; q < V; q++) {
    for (let g = 0; g < G; g++) {
      let best = Number.POSITIVE_INFINITY;
      let bestOrder = 0;
      for (let o = 0; o < orderCounts[g]; o++) {
        const at = (g * maxOrders + o) * K;
        let l1 = 0;
        for (let k = 0; k < K; k++) l1 += Math.abs(pts[q * K + k] - targets.pts[at + k]);
        if (l1 < best) {
          best = l1;
          bestOrder = o;
        }
      }
      cost[q * G + g] = best;
      order[q * G + g] = bestOrder;
    }
  }
  return { cost, order };
}

/** A layer's Hungarian matching (MapTRAssigner): cost = costCls · focal cost + costPts · order-min L1. */
export function matchLayer(
  logits: Float32Array,
  pts: Float32Array,
  V: number,
  targets: MapTrTargets,
  w: HdMapLossWeights,
): LayerMatch {
  const instance = new Int32Array(V).fill(-1);
  const order = new Int32Array(V);
  const G = targets.count;
  if (G === 0) return { instance, order };
  const classes = logits.length / V;
  const focal = focalCost(logits, V, classes, targets.labels, w.alpha, w.gamma);
  const points = orderMinCost(pts, V, targets);
  const cost = new Float64Array(V * G);
  for (let i = 0; i < V * G; i++) cost[i] = w.costCls * focal[i] + w.costPts * points.cost[i];
  const assignment = linearSumAssignment(cost, V, G);
  assignment.forEach((g, q) => {
    if (g < 0) return;
    instance[q] = g;
    order[q] = points.order[q * G + g];
  });
  return { instance, order };
}

/**
 * The summed loss of all layers against one sample's targets: per layer the focal loss × cls, the point L1 × pts
 * on the normalised coordinates and the edge-direction loss × dir (1 - cos between predicted and target edges, in
 * metres), each divided by max(1, matched). The matching reads the predictions on the host and carries no gradient.
 * Non-finite predictions make every term NaN, so the training loop logs the step and skips it (bug T3: upstream's
 * nan_to_num, which hides divergence, is not copied).
 */
export function hdMapLoss(
  layers: readonly HdMapLayerOutput[],
  targets: MapTrTargets,
  w: HdMapLossWeights,
  patch: { width: number; height: number },
): HdMapLoss {
  if (layers.length === 0) throw new Error('hdMapLoss: no decoder layers given');
  const cls: tf.Scalar[] = [];
  const pts: tf.Scalar[] = [];
  const dir: tf.Scalar[] = [];
  let matched = 0;
  const { maxOrders, points: P } = targets;
  const K = 2 * P;
  for (const layer of layers) {
    const [V, classes] = layer.logits.shape;
    if (layer.pts.shape[0] !== V || layer.pts.shape[1] !== P || layer.pts.shape[2] !== 2) {
      throw new Error(`hdMapLoss: pts have shape [${layer.pts.shape}], expected [${V}, ${P}, 2]`);
    }
    const logits = layer.logits.dataSync() as Float32Array;
    const points = layer.pts.dataSync() as Float32Array;
    if (!logits.every(Number.isFinite) || !points.every(Number.isFinite)) {
      // Every term NaN, still on the tape: the loop logs the step and skips it.
      for (const terms of [cls, pts, dir]) {
        terms.push(tf.tidy(() => tf.mul(tf.add(tf.sum(layer.logits), tf.sum(layer.pts)), Number.NaN)));
      }
      continue;
    }
    const match = matchLayer(logits, points, V, targets, w);
    const oneHot = new Float32Array(V * classes);
    const rows: number[] = [];
    const target: number[] = [];
    match.instance.forEach((g, q) => {
      if (g < 0) return;
      rows.push(q);
      oneHot[q * classes + targets.labels[g]] = 1;
      const at = (g * maxOrders + match.order[q]) * K;
      target.push(...targets.pts.subarray(at, at + K));
    });
    matched = rows.length;
    const normaliser = Math.max(1, matched);
    cls.push(
      tf.tidy(() =>
        tf.mul(
          sigmoidFocalLoss(layer.logits, tf.tensor2d(oneHot, [V, classes]), w.alpha, w.gamma),
          w.cls / normaliser,
        ),
      ),
    );
    if (matched === 0) {
      pts.push(tf.scalar(0));
      dir.push(tf.scalar(0));
      continue;
    }
    const [ptsTerm, dirTerm] = tf.tidy(() => {
      const predicted = tf.gather(layer.pts, tf.tensor1d(rows, 'int32')) as tf.Tensor3D;
      const wanted = tf.tensor3d(target, [matched, P, 2]);
      const l1 = tf.mul(tf.sum(tf.abs(tf.sub(predicted, wanted))), w.pts / normaliser) as tf.Scalar;
      const metres = tf.tensor1d([patch.width, patch.height]);
      const edges = (x: tf.Tensor3D) =>
        tf.mul(
          tf.sub(tf.slice(x, [0, 1, 0], [-1, P - 1, 2]), tf.slice(x, [0, 0, 0], [-1, P - 1, 2])),
          metres,
        );
      const e = edges(predicted);
      const t = edges(wanted);
      const norms = tf.mul(
        tf.add(tf.sum(tf.square(e), 2), COSINE_EPS),
        tf.add(tf.sum(tf.square(t), 2), COSINE_EPS),
      );
      const cosine = tf.div(tf.sum(tf.mul(e, t), 2), tf.sqrt(norms));
      return [l1, tf.mul(tf.sum(tf.sub(1, cosine)), w.dir / normaliser) as tf.Scalar];
    });
    pts.push(ptsTerm);
    dir.push(dirTerm);
  }
  const sum = (terms: tf.Scalar[]) => {
    const total = tf.addN(terms) as tf.Scalar;
    tf.dispose(terms);
    return total;
  };
  return { cls: sum(cls), pts: sum(pts), dir: sum(dir), matched };
}
