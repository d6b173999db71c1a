/**
 * UVTR's training loss (heads.md 1.3): per decoder layer, a Hungarian matching of queries to targets, then a
 * sigmoid focal loss over every logit and an L1 loss on the matched box codes; summed over the layers.
 */
import { focalCost, linearSumAssignment, sigmoidFocalLoss } from '@mim4d/finetune';
import { tf } from '@mim4d/nn';
import { type DetectionTargets, TARGET_CODE_SIZE } from './targets.ts';

export interface DetectionLossWeights {
  /** Weight of the focal classification loss. */
  cls: number;
  /** Weight of the L1 box loss. */
  bbox: number;
  /** Weights of the focal and L1 terms of the matching cost. */
  costCls: number;
  costBbox: number;
  alpha: number;
  gamma: number;
}

/** vs0.1's values (config 142-165). */
export const DETECTION_LOSS_WEIGHTS: Readonly<DetectionLossWeights> = {
  cls: 2,
  bbox: 0.25,
  costCls: 2,
  costBbox: 0.25,
  alpha: 0.25,
  gamma: 2,
};

/** One decoder layer's outputs for one sample. */
export interface DetectionLayerOutput {
  /** [Q, classes] logits. */
  logits: tf.Tensor2D;
  /** [Q, 10] predicted code, the targets' layout (centres in metres). */
  code: tf.Tensor2D;
}

export interface DetectionLoss {
  /** Focal loss summed over layers, weighted and divided by max(1, matched). */
  cls: tf.Scalar;
  /** L1 loss summed over layers, weighted and divided by max(1, matched). */
  bbox: tf.Scalar;
  /** Queries matched to a target in each layer: min(Q, targets). */
  matched: number;
}

/** The matching cost leaves out velocity: only the first 8 code entries enter the L1 term. */
const COST_CODE_ENTRIES = 8;
const VELOCITY_ENTRIES = [8, 9];

/**
 * The summed loss of all layers against one sample's targets. Reads the predictions on the host for the
 * matching, which carries no gradient, so it may run inside `tf.variableGrads`. A non-finite prediction is an
 * error naming the layer, query and entry (upstream prints and then fails on an undefined name, U4).
 */
export function detectionLoss(
  layers: readonly DetectionLayerOutput[],
  targets: DetectionTargets,
  weights: Partial<DetectionLossWeights> = {},
): DetectionLoss {
  const w = { ...DETECTION_LOSS_WEIGHTS, ...weights };
  if (layers.length === 0) throw new Error('detectionLoss: no decoder layers given');
  checkTargets(targets);
  const clsTerms: tf.Scalar[] = [];
  const bboxTerms: tf.Scalar[] = [];
  let matched = 0;
  layers.forEach((layer, index) => {
    const assignment = matchLayer(layer, targets, w, index);
    matched = assignment.reduce((n, g) => n + (g >= 0 ? 1 : 0), 0);
    const [Q, classes] = layer.logits.shape;
    const oneHot = new Float32Array(Q * classes);
    const targetCode = new Float32Array(Q * TARGET_CODE_SIZE);
    const codeWeight = new Float32Array(Q * TARGET_CODE_SIZE);
    assignment.forEach((g, q) => {
      if (g < 0) return;
      oneHot[q * classes + targets.labels[g]] = 1;
      targetCode.set(
        targets.code.subarray(g * TARGET_CODE_SIZE, (g + 1) * TARGET_CODE_SIZE),
        q * TARGET_CODE_SIZE,
      );
      codeWeight.fill(1, q * TARGET_CODE_SIZE, (q + 1) * TARGET_CODE_SIZE);
      if (!targets.velocityValid[g])
        for (const k of VELOCITY_ENTRIES) codeWeight[q * TARGET_CODE_SIZE + k] = 0;
    });
    const normaliser = Math.max(1, matched);
    clsTerms.push(
      tf.tidy(() => {
        const focal = sigmoidFocalLoss(layer.logits, tf.tensor2d(oneHot, [Q, classes]), w.alpha, w.gamma);
        return tf.mul(focal, w.cls / normaliser);
      }),
    );
    bboxTerms.push(
      tf.tidy(() => {
        const residual = tf.abs(tf.sub(layer.code, tf.tensor2d(targetCode, [Q, TARGET_CODE_SIZE])));
        return tf.mul(
          tf.sum(tf.mul(residual, tf.tensor2d(codeWeight, [Q, TARGET_CODE_SIZE]))),
          w.bbox / normaliser,
        );
      }),
    );
  });
  const cls = tf.addN(clsTerms) as tf.Scalar;
  const bbox = tf.addN(bboxTerms) as tf.Scalar;
  tf.dispose([...clsTerms, ...bboxTerms]);
  return { cls, bbox, matched };
}

/**
 * Layer `index`'s Hungarian matching: cost = costCls · focalCost + costBbox · L1 distance over the first 8 code
 * entries. Returns the target of each query, −1 for background.
 */
export function matchLayer(
  layer: DetectionLayerOutput,
  targets: DetectionTargets,
  weights: Partial<DetectionLossWeights> = {},
  index = 0,
): Int32Array {
  const w = { ...DETECTION_LOSS_WEIGHTS, ...weights };
  const [Q, classes] = layer.logits.shape;
  if (layer.code.shape[0] !== Q || layer.code.shape[1] !== TARGET_CODE_SIZE) {
    throw new Error(
      `detectionLoss: layer ${index}: code has shape [${layer.code.shape}], expected [${Q}, ${TARGET_CODE_SIZE}] for ${Q} queries`,
    );
  }
  const logits = layer.logits.dataSync() as Float32Array;
  const code = layer.code.dataSync() as Float32Array;
  checkFinite(logits, classes, `layer ${index}: logits`);
  checkFinite(code, TARGET_CODE_SIZE, `layer ${index}: code`);
  const G = targets.count;
  if (G === 0) return new Int32Array(Q).fill(-1);
  const cost = focalCost(logits, Q, classes, targets.labels, w.alpha, w.gamma);
  for (let q = 0; q < Q; q++) {
    for (let g = 0; g < G; g++) {
      let l1 = 0;
      for (let k = 0; k < COST_CODE_ENTRIES; k++) {
        l1 += Math.abs(code[q * TARGET_CODE_SIZE + k] - targets.code[g * TARGET_CODE_SIZE + k]);
      }
      cost[q * G + g] = w.costCls * cost[q * G + g] + w.costBbox * l1;
    }
  }
  return linearSumAssignment(cost, Q, G);
}

function checkFinite(values: Float32Array, cols: number, what: string): void {
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(
      `detectionLoss: ${what}[${Math.floor(bad / cols)}, ${bad % cols}] is ${values[bad]}; predictions must be finite`,
    );
  }
}

function checkTargets(t: DetectionTargets): void {
  if (
    t.code.length !== t.count * TARGET_CODE_SIZE ||
    t.labels.length !== t.count ||
    t.velocityValid.length !== t.count
  ) {
    throw new Error(
      `detectionLoss: targets of count ${t.count} hold ${t.code.length} code values, ${t.labels.length} labels and ${t.velocityValid.length} velocity flags; expected ${t.count * TARGET_CODE_SIZE}, ${t.count}, ${t.count}`,
    );
  }
}
