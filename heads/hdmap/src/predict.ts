import { MAPTR_CLASSES } from '@mim4d/dataset';
import { tf } from '@mim4d/nn';
import type { HdMapConfig } from './config.ts';
import type { HdMapSample } from './data/hdmap-samples.ts';
import type { HdMapModel } from './model/hdmap-model.ts';

/** The last layer's outputs as the ONNX graph gives them: sigmoid scores [V, 3] and points [V, P, 2] in metres. */
export interface HdMapOutputs {
  scores: Float32Array;
  pts: Float32Array;
}

/** One decoded vector: its class (MAPTR_CLASSES index), confidence and P points (lidar metres, interleaved x, y). */
export interface PredictedVector {
  classId: number;
  score: number;
  pts: Float64Array;
}

/** Normalised patch coordinates -> lidar metres: x = u · width + xmin, y = v · height + ymin. */
export function denormalisePoints(pts: tf.Tensor, head: HdMapConfig['head']): tf.Tensor {
  const [xmin, ymin] = [head.xBound[0], head.yBound[0]];
  return tf.add(
    tf.mul(pts, tf.tensor1d([head.xBound[1] - xmin, head.yBound[1] - ymin])),
    tf.tensor1d([xmin, ymin]),
  );
}

/** The evaluation forward of one sample: the last layer's scores and metric points. */
export function predictOutputs(model: HdMapModel, sample: HdMapSample): HdMapOutputs {
  return tf.tidy(() => {
    const last = model.forward(sample.images, sample.frame, sample.pose.lidarToEgo, null).at(-1)!;
    return {
      scores: tf.sigmoid(last.logits).dataSync() as Float32Array,
      pts: denormalisePoints(last.pts, model.config.head).dataSync() as Float32Array,
    };
  });
}

/**
 * MapTRNMSFreeCoder (heads.md 3.1): the flat top-k of the V x 3 scores (ties to the lower index), each giving its
 * vector's points with that class; no threshold and no NMS.
 */
export function topVectors(outputs: HdMapOutputs, points: number, topK: number): PredictedVector[] {
  const classes = MAPTR_CLASSES.length;
  const { scores, pts } = outputs;
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, topK).map((k) => {
    const v = Math.floor(k / classes);
    return {
      classId: k % classes,
      score: scores[k],
      pts: Float64Array.from(pts.subarray(v * points * 2, (v + 1) * points * 2)),
    };
  });
}
