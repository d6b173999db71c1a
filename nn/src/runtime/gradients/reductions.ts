import * as tf from '@tensorflow/tfjs-core';

/** dy reshaped to keep the reduced axes as 1s, multiplied by ones of x's shape: dy broadcast back over them. */
function broadcastBack(dy: tf.Tensor, x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const shape = x.shape.slice();
  for (const a of tf.util.parseAxisParam(axis, x.shape)) shape[a] = 1;
  // tfjs-core's own gradients build the ones with tf.ones, a host array copied into the backend: for a sampler's
  // [8, 147k, 16] corner sum that is 9 MB written in JavaScript and copied per gradient. Fill writes them in place.
  return tf.mul(tf.reshape(dy, shape), tf.fill(x.shape, 1, 'float32'));
}

/** Sum's and Mean's gradients as tfjs-core computes them (same operations, same values), with ones from Fill. */
export function registerReductionGradients(): void {
  tf.registerGradient({
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as tf.Tensor[];
      const { axis } = attrs as unknown as tf.SumAttrs;
      return { x: () => broadcastBack(dy as tf.Tensor, x, axis) };
    },
  });
  tf.registerGradient({
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as tf.Tensor[];
      const { axis } = attrs as unknown as tf.MeanAttrs;
      const axes = tf.util.parseAxisParam(axis, x.shape);
      const reduceSize = axes.reduce((n, a) => n * x.shape[a], 1);
      return { x: () => tf.div(broadcastBack(dy as tf.Tensor, x, axes), reduceSize) };
    },
  });
}
