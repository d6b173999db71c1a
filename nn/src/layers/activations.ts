import * as tf from '@tensorflow/tfjs-core';

/** Exact (erf) GELU, as torch.nn.GELU(). */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))) as T;
}

/**
 * torch.nn.Softplus(beta): log(1 + exp(beta x)) / beta, linear above beta x > 20 as in PyTorch. tfjs's softplus is
 * already linear above log(1 / float32 epsilon) - 2 = 13.9, where log(1 + exp(bx)) and bx are the same float32, and
 * its gradient sigmoid(bx) rounds to exactly 1 (its second derivative to 0) above 17: so no explicit branch is needed,
 * and the field MLPs save a comparison and a select per layer, with their gradients and second-order gradients.
 */
export function softplus<T extends tf.Tensor>(x: T, beta: number): T {
  return tf.div(tf.softplus(tf.mul(x, beta)), beta) as T;
}
