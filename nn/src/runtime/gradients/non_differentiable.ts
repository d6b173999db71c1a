import * as tf from '@tensorflow/tfjs-core';

/**
 * Comparisons and boolean logic have no gradient in tfjs, so a mask computed from a trained tensor
 * (`where(greater(sdf, 0), ...)`) makes backprop throw. TensorFlow treats them as constant with respect to their
 * inputs; we register the same: float32 zeros (tfjs requires float gradients even for bool inputs) shaped like
 * each input.
 */
const BINARY = [
  tf.Greater,
  tf.GreaterEqual,
  tf.Less,
  tf.LessEqual,
  tf.Equal,
  tf.NotEqual,
  tf.LogicalAnd,
  tf.LogicalOr,
] as const;
const UNARY = [tf.LogicalNot, tf.IsNan, tf.IsInf, tf.IsFinite] as const;

export function registerNonDifferentiableGradients(): void {
  for (const kernelName of BINARY) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => {
        const [a, b] = saved as tf.Tensor[];
        return { a: () => tf.zeros(a.shape), b: () => tf.zeros(b.shape) };
      },
    });
  }
  for (const kernelName of UNARY) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (_dy, saved) => {
        const [x] = saved as tf.Tensor[];
        return { x: () => tf.zeros(x.shape) };
      },
    });
  }
}
