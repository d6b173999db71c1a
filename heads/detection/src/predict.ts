import { tf } from '@mim4d/nn';
import { DETECTION_HEAD_CLASSES } from './classes.ts';
import type { DetectionSamples } from './data/detection-samples.ts';
import type { UvtrDetector } from './model/detector.ts';
import { detectorOutputs } from './model/outputs.ts';
import { decodeDetections, type SubmissionBox } from './postprocess.ts';

/** A nuScenes detection submission: every sample token with its boxes (possibly none). */
export interface DetectionSubmission {
  meta: {
    use_camera: boolean;
    use_lidar: boolean;
    use_radar: boolean;
    use_map: boolean;
    use_external: boolean;
  };
  results: Record<string, (SubmissionBox & { sample_token: string })[]>;
}

/** Camera-only input, as the upstream config's modality dict says. */
export const CAMERA_ONLY_META: DetectionSubmission['meta'] = {
  use_camera: true,
  use_lidar: false,
  use_radar: false,
  use_map: false,
  use_external: false,
};

/** Runs the TensorFlow.js detector in evaluation mode on every sample and decodes as the ONNX path does. */
export async function predictDetections(
  model: UvtrDetector,
  samples: DetectionSamples,
): Promise<DetectionSubmission> {
  const results: DetectionSubmission['results'] = {};
  const { topK, classRangeM } = model.config.head;
  for (let i = 0; i < samples.count; i++) {
    const sample = await samples.get(i);
    const [scores, boxes] = tf.tidy(() => {
      const out = detectorOutputs(model.forward(sample.images, sample.frame, null).at(-1)!);
      return [out.scores.dataSync() as Float32Array, out.boxes.dataSync() as Float32Array];
    });
    results[sample.token] = decodeDetections(
      scores,
      boxes,
      model.config.head.queries,
      DETECTION_HEAD_CLASSES,
      sample.frame.egoToGlobal,
      { topK, classRangeM },
    ).map((box) => ({ sample_token: sample.token, ...box }));
  }
  return { meta: CAMERA_ONLY_META, results };
}
