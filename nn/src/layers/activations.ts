import * as tf from '@tensorflow/tfjs-core';

/** Exact (erf) GELU, as torch.nn.GELU(). */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))) as T;
}

/** torch.nn.Softplus(beta): log(1 + exp(beta x)) / beta, linear above beta x > 20 as in PyTorch. */
export function softplus<T extends tf.Tensor>(x: T, beta: number): T {
  const bx = tf.mul(x, beta);
  return tf.where(tf.greater(bx, 20), x, tf.div(tf.softplus(bx), beta)) as T;
}
