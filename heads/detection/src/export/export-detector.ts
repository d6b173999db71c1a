import {
  backboneOrigin,
  type CardContext,
  cameraPreprocessing,
  exportFinetuneRun,
  type HeadExport,
  trainingSection,
  validationResults,
} from '@mim4d/finetune';
import { DETECTION_HEAD_CLASSES } from '../classes.ts';
import type { DetectionConfig } from '../config.ts';
import { UvtrDetector } from '../model/detector.ts';
import type { DetectionEvalRecord } from '../train/finetune-detection.ts';
import { detectorContract, detectorOnnx } from './detector-onnx.ts';

// card.json is the name `mim4d-zoo push` reads the card from, so the export folder publishes as it is.
export const DETECTOR_EXPORT_FILES = {
  onnx: 'detector.onnx',
  weights: 'detector.safetensors',
  card: 'card.json',
} as const;

/** `format` in detector.safetensors' metadata, next to the run's `config` (JSON) and `step`. */
export const DETECTOR_WEIGHTS_FORMAT = 'mim4d-detector/1';

/** Validation metrics copied into the card's results (fractions and metres, as metrics_summary.json). */
const CARD_METRICS = ['mAP', 'NDS', 'mATE', 'mASE', 'mAOE', 'mAVE', 'mAAE'];

/**
 * Exports a detection fine-tuning run: `export/detector.onnx` (images + ego -> image matrices -> scores and boxes,
 * heads.md 1.5), `export/detector.safetensors` and a zoo card (task detection, the I/O contract, the class order,
 * preprocessing and post-processing, the backbone it started from, the data and the last validation metrics).
 */
export function exportDetector(runDir: string, codeCommit: string): HeadExport {
  return exportFinetuneRun<DetectionConfig, UvtrDetector, DetectionEvalRecord>(runDir, codeCommit, {
    task: 'detection',
    files: DETECTOR_EXPORT_FILES,
    weightsFormat: DETECTOR_WEIGHTS_FORMAT,
    build: (config) => new UvtrDetector(config),
    graph: detectorOnnx,
    card: detectorCard,
  });
}

function detectorCard({
  model,
  step,
  record,
  evaluation,
  opset,
  codeCommit,
  params,
}: CardContext<UvtrDetector, DetectionEvalRecord>) {
  const { config } = model;
  const { imageHeight: H, imageWidth: W, cameras } = config.backbone.input;
  const r = config.backbone.grid.pcRange;
  const from = backboneOrigin(record);
  const { inputs, outputs } = detectorContract(model);
  const metrics =
    evaluation === null
      ? {}
      : Object.fromEntries(
          CARD_METRICS.filter((k) => typeof evaluation[k] === 'number').map((k) => [
            k,
            evaluation[k] as number,
          ]),
        );
  return {
    cardVersion: 1,
    task: 'detection',
    name: `mim4d-${config.name}-uvtr-detector`,
    summary:
      `UVTR 3D detector (config ${config.name}, ${step} fine-tuning steps) on a MIM4D camera backbone, started from ` +
      `${from}. Inputs: images [batch, ${cameras}, ${H}, ${W}, 3] RGB in [0, 1] (cameras in nuScenes channel ` +
      'order, resized keeping the aspect ratio into the top-left of a zero-padded canvas) and ego_to_image ' +
      `[batch, ${cameras}, 4, 4] (the frame ego, i.e. the ego pose at the first camera's timestamp, in metres -> ` +
      'network-input pixels). Outputs of the last decoder layer: scores [batch, Q, 10] (sigmoid, classes in `labels` ' +
      'order) and boxes [batch, Q, 10] = (x, y, z, w, l, h, sin yaw, cos yaw, vx, vy) in the frame ego, gravity ' +
      'centre, metres and m/s.',
    license: 'apache-2.0',
    labels: [...DETECTION_HEAD_CLASSES],
    architecture: {
      family: 'mim4d',
      backbone: `convnext-sparse-${config.backbone.encoder.stageChannels.join('-')}`,
      neck: 'fpn+uvtr-lifting',
      head: `uvtr-${config.head.queries}q-${config.head.layers}l-${config.head.dims}d`,
      params,
    },
    artifacts: [
      {
        path: DETECTOR_EXPORT_FILES.onnx,
        format: 'onnx',
        role: 'detector',
        io: { opset, inputs, outputs },
      },
      { path: DETECTOR_EXPORT_FILES.weights, format: 'safetensors', role: 'weights' },
    ],
    preprocessing: {
      images: cameraPreprocessing(config.backbone.input),
      frames: { count: 1, strideS: 0 },
      outputFrame: 'ego',
      bevRangeM: [r[0], r[1], r[3], r[4]],
    },
    postprocessing: { detection: { topK: config.head.topK, classRangeM: config.head.classRangeM } },
    sensors: { camera: true, lidar: false, radar: false, map: false, external: false },
    training: trainingSection(record, step, codeCommit),
    results: validationResults(record, 'nuscenes-detection@v1', metrics, { codeCommit, seed: config.seed }),
  };
}
