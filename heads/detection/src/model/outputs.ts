import { tf } from '@mim4d/nn';
import type { LayerOutput } from './uvtr-head.ts';

/**
 * The detector's evaluation outputs from the last layer (heads.md 1.5), as the ONNX graph gives them:
 * `scores` [Q, classes] sigmoid, `boxes` [Q, 10] = (x, y, z, w, l, h, sin, cos, vx, vy) in the frame ego, sizes in
 * metres (exp of the regressed logs).
 */
export function detectorOutputs(last: LayerOutput): { scores: tf.Tensor2D; boxes: tf.Tensor2D } {
  const c = last.code;
  const boxes = tf.concat(
    [tf.gather(c, [0, 1, 4], 1), tf.exp(tf.gather(c, [2, 3, 5], 1)), tf.slice(c, [0, 6], [-1, 4])],
    1,
  ) as tf.Tensor2D;
  return { scores: tf.sigmoid(last.logits), boxes };
}
