import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs ships GatherNd without a gradient; gather-based bilinear/trilinear sampling needs one. The gradient of a
 * gather is the scatter of dy back to the gathered positions, summing where an index repeats (ScatterNd sums
 * duplicates, as in TensorFlow). Indices are integers and get no gradient.
 */
export function registerGatherNdGradient(): void {
  if (tf.getGradient(tf.GatherNd) !== undefined) return;
  tf.registerGradient({
    kernelName: tf.GatherNd,
    inputsToSave: ['params', 'indices'],
    gradFunc: (dy, saved) => {
      const [params, indices] = saved as tf.Tensor[];
      return {
        params: () => tf.scatterND(indices, dy as tf.Tensor, params.shape),
        indices: () => tf.zerosLike(indices),
      };
    },
  });
}
