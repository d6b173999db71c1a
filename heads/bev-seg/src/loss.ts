import { BEV_MAP_CLASSES, type BevMapClass } from '@mim4d/dataset';
import { sigmoidFocalLoss } from '@mim4d/finetune';
import { tf } from '@mim4d/nn';

/**
 * BEVFusion's segmentation loss (heads.md 2.1 item 6, bug B3 copied): per class, the sigmoid focal loss with
 * γ and no α, averaged over every cell; one term per class, which the training loop sums. `logits` and `targets`
 * are [cells, classes] in BEV_MAP_CLASSES order.
 */
export function bevSegLoss(
  logits: tf.Tensor2D,
  targets: tf.Tensor2D,
  gamma: number,
): Record<BevMapClass, tf.Scalar> {
  const cells = logits.shape[0];
  const column = (x: tf.Tensor2D, c: number) => tf.slice(x, [0, c], [-1, 1]) as tf.Tensor2D;
  return Object.fromEntries(
    BEV_MAP_CLASSES.map((name, c) => [
      name,
      tf.div(sigmoidFocalLoss(column(logits, c), column(targets, c), null, gamma), cells) as tf.Scalar,
    ]),
  ) as Record<BevMapClass, tf.Scalar>;
}
