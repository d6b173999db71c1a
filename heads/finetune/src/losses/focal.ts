import { tf } from '@mim4d/nn';

/**
 * mmdet's `sigmoid_focal_loss`, summed over every entry: for logit x and 0/1 target t,
 * w_t · p_t^γ · BCE(x, t) with p_t = 1 − p if t = 1 else p, w_t = α if t = 1 else 1 − α, p = sigmoid(x).
 * `alpha` null weighs both alike (w_t = 1), as BEVFusion's segmentation loss with its α = −1 does.
 * With s = x · (1 − 2t), p_t = sigmoid(s) and BCE = softplus(s), which keeps large logits finite.
 * The caller divides by its normaliser (mmdet's avg_factor, BEVFusion's pixel count) and multiplies by the weight.
 */
export function sigmoidFocalLoss(
  logits: tf.Tensor2D,
  targets: tf.Tensor2D,
  alpha: number | null = 0.25,
  gamma = 2,
): tf.Scalar {
  checkWeights(alpha, gamma, 'sigmoidFocalLoss');
  if (!sameShape(logits.shape, targets.shape)) {
    throw new Error(
      `sigmoidFocalLoss: targets have shape [${targets.shape}], logits have [${logits.shape}]; they must match`,
    );
  }
  const values = targets.dataSync();
  const bad = values.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) {
    const cols = targets.shape[1];
    throw new Error(
      `sigmoidFocalLoss: targets[${Math.floor(bad / cols)}, ${bad % cols}] is ${values[bad]}; targets must be 0 or 1`,
    );
  }
  return tf.tidy(() => {
    const t = tf.cast(targets, 'float32');
    const s = tf.mul(logits, tf.sub(1, tf.mul(2, t)));
    const modulator = tf.pow(tf.sigmoid(s), gamma);
    const perEntry = tf.mul(modulator, tf.softplus(s));
    if (alpha === null) return tf.sum(perEntry);
    const classWeight = tf.add(tf.mul(alpha, t), tf.mul(1 - alpha, tf.sub(1, t)));
    return tf.sum(tf.mul(classWeight, perEntry));
  });
}

/** mmdet's FocalLossCost adds this inside the logs. */
const COST_EPS = 1e-12;

/**
 * mmdet's FocalLossCost (unweighted) on the host in float64: cost[i, j] = pos − neg at query i's logit of
 * target j's class, pos = α(1 − p)^γ · −log(p + ε), neg = (1 − α)p^γ · −log(1 − p + ε), ε = 1e-12.
 * `logits` is [q, classes] row-major; the result is [q, labels.length] row-major (queries are rows).
 */
export function focalCost(
  logits: Float32Array,
  q: number,
  classes: number,
  labels: Int32Array,
  alpha = 0.25,
  gamma = 2,
): Float64Array {
  checkWeights(alpha, gamma, 'focalCost');
  if (logits.length !== q * classes) {
    throw new Error(`focalCost: logits have ${logits.length} values, expected q * classes = ${q * classes}`);
  }
  const g = labels.length;
  for (let j = 0; j < g; j++) {
    if (!(labels[j] >= 0 && labels[j] < classes)) {
      throw new Error(`focalCost: labels[${j}] is ${labels[j]}, outside the ${classes} classes`);
    }
  }
  // One cost per logit, then gathered per target: several targets share a class.
  const perLogit = new Float64Array(q * classes);
  for (let k = 0; k < perLogit.length; k++) {
    const p = 1 / (1 + Math.exp(-logits[k]));
    const pos = alpha * (1 - p) ** gamma * -Math.log(p + COST_EPS);
    const neg = (1 - alpha) * p ** gamma * -Math.log(1 - p + COST_EPS);
    perLogit[k] = pos - neg;
  }
  const cost = new Float64Array(q * g);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < g; j++) cost[i * g + j] = perLogit[i * classes + labels[j]];
  }
  return cost;
}

function checkWeights(alpha: number | null, gamma: number, where: string): void {
  if (alpha !== null && !(alpha >= 0 && alpha <= 1))
    throw new Error(`${where}: alpha must be in [0, 1], got ${alpha}`);
  if (!(gamma >= 0 && Number.isFinite(gamma))) throw new Error(`${where}: gamma must be >= 0, got ${gamma}`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
