import { BEV_MAP_CLASSES } from '@mim4d/dataset';
import { tf } from '@mim4d/nn';
import type { BevSegSample } from './data/bev-seg-samples.ts';
import type { BevSegmenter } from './model/bev-segmenter.ts';

/**
 * The evaluation forward of one sample: sigmoid probabilities [6, cellsX, cellsY] in BEV_MAP_CLASSES order, the
 * layout of BEVFusion's outputs, the metric and the `.npy` files.
 */
export function predictProbabilities(model: BevSegmenter, sample: BevSegSample): Float32Array {
  const { cellsX, cellsY } = model.cells;
  return tf.tidy(() => {
    const logits = model.forward(sample.images, sample.frame, sample.pose.lidarToEgo, null);
    const probs = tf.transpose(
      tf.reshape(tf.sigmoid(logits), [cellsX, cellsY, BEV_MAP_CLASSES.length]),
      [2, 0, 1],
    );
    return probs.dataSync() as Float32Array;
  });
}
