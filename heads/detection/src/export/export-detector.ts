import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  backboneOrigin,
  cameraPreprocessing,
  type FinetuneRecord,
  lastEvalRecord,
  readFinetuneRecord,
  trainingSection,
  validationResults,
  writeExportFolder,
} from '@mim4d/finetune';
import { writeSafetensors } from '@mim4d/nn';
import { loadCheckpoint } from '@mim4d/pretrain';
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

export interface DetectorExport {
  dir: string;
  onnx: string;
  weights: string;
  card: string;
  params: number;
}

/**
 * Exports a detection fine-tuning run: `export/detector.onnx` (images + ego -> image matrices -> scores and boxes,
 * heads.md 1.5), `export/detector.safetensors` (every parameter and BatchNorm statistic under its checkpoint name)
 * and a zoo card (task detection, the I/O contract, the class order, preprocessing and post-processing, the backbone
 * it started from, the data and the last validation metrics). The folder is written beside `export/` and renamed
 * into place, so a failure leaves no half-written export.
 */
export function exportDetector(runDir: string, codeCommit: string): DetectorExport {
  if (!/^[0-9a-f]{7,64}$/.test(codeCommit)) {
    throw new Error(`code commit "${codeCommit}" is not a git commit id (7-64 lowercase hex digits)`);
  }
  const ckpt = loadCheckpoint<DetectionConfig>(runDir, 'mim4d-finetune-checkpoint/1');
  const record = readFinetuneRecord(runDir, ['detection']);
  const config = ckpt.meta.config;
  const model = new UvtrDetector(config);
  let params = 0;
  let final: string;
  try {
    model.params.load(ckpt.params, runDir);
    final = writeExportFolder(runDir, (dir) => {
      const graph = detectorOnnx(model);
      writeFileSync(
        path.join(dir, DETECTOR_EXPORT_FILES.onnx),
        graph.toBytes({ metadata: { config: config.name, step: String(ckpt.meta.step) } }),
      );
      const entries = model.params.entries();
      writeFileSync(
        path.join(dir, DETECTOR_EXPORT_FILES.weights),
        writeSafetensors(
          entries.map(([name, v]) => ({ name, shape: [...v.shape], data: v.dataSync() as Float32Array })),
          { format: DETECTOR_WEIGHTS_FORMAT, config: JSON.stringify(config), step: String(ckpt.meta.step) },
        ),
      );
      params = [...model.params.trainable().values()].reduce((n, v) => n + v.size, 0);
      const card = detectorCard(
        model,
        ckpt.meta.step,
        record,
        lastEvalRecord<DetectionEvalRecord>(runDir),
        graph.opset,
        codeCommit,
        params,
      );
      writeFileSync(path.join(dir, DETECTOR_EXPORT_FILES.card), `${JSON.stringify(card, null, 2)}\n`);
    });
  } finally {
    model.dispose();
  }
  const file = (name: string) => path.join(final, name);
  return {
    dir: final,
    onnx: file(DETECTOR_EXPORT_FILES.onnx),
    weights: file(DETECTOR_EXPORT_FILES.weights),
    card: file(DETECTOR_EXPORT_FILES.card),
    params,
  };
}

function detectorCard(
  model: UvtrDetector,
  step: number,
  record: FinetuneRecord,
  evaluation: DetectionEvalRecord | null,
  opset: number,
  codeCommit: string,
  params: number,
) {
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
