import { BEV_MAP_CLASSES } from '@mim4d/dataset';
import {
  backboneOrigin,
  type CardContext,
  cameraPreprocessing,
  exportFinetuneRun,
  finiteMetrics,
  type HeadExport,
  trainingSection,
  validationResults,
} from '@mim4d/finetune';
import type { BevSegConfig } from '../config.ts';
import { BevSegmenter } from '../model/bev-segmenter.ts';
import type { BevSegEvalRecord } from '../train/finetune-bev-seg.ts';
import { MEAN_IOU_AT_HALF } from '../validation.ts';
import { bevSegContract, bevSegOnnx } from './bev-seg-onnx.ts';

// card.json is the name `mim4d-zoo push` reads the card from, so the export folder publishes as it is.
export const BEV_SEG_EXPORT_FILES = {
  onnx: 'bev-seg.onnx',
  weights: 'bev-seg.safetensors',
  card: 'card.json',
} as const;

/** The artifact role of the graph, which `mim4d-eval bev-seg --model` runs. */
export const BEV_SEG_ROLE = 'bev-seg';

/** `format` in bev-seg.safetensors' metadata, next to the run's `config` (JSON) and `step`. */
export const BEV_SEG_WEIGHTS_FORMAT = 'mim4d-bev-seg/1';

/**
 * Exports a BEV-segmentation fine-tuning run: `export/bev-seg.onnx` (images + ego -> image and lidar -> ego
 * matrices -> class probabilities on the lidar grid, heads.md 2.3), `export/bev-seg.safetensors` and a zoo card
 * (task bev-seg, the I/O contract, the class order, preprocessing, the backbone it started from, the data and the
 * last validation IoU).
 */
export function exportBevSeg(runDir: string, codeCommit: string): HeadExport {
  return exportFinetuneRun<BevSegConfig, BevSegmenter, BevSegEvalRecord>(runDir, codeCommit, {
    task: 'bev-seg',
    files: BEV_SEG_EXPORT_FILES,
    weightsFormat: BEV_SEG_WEIGHTS_FORMAT,
    build: (config) => new BevSegmenter(config),
    graph: bevSegOnnx,
    card: bevSegCard,
  });
}

/** The card's result: mIoU as the zoo's nuscenes-bev-seg benchmark scores it, the mean at 0.5, each class's IoU. */
function cardMetrics(evaluation: BevSegEvalRecord | null) {
  if (evaluation === null) return { metrics: {}, perClass: undefined };
  const metrics = finiteMetrics({
    mIoU: evaluation['map/mean/iou@max'],
    'mIoU@0.50': evaluation[MEAN_IOU_AT_HALF],
  });
  const perClass = Object.fromEntries(
    BEV_MAP_CLASSES.map((name) => [
      name,
      finiteMetrics({
        'iou@max': evaluation[`map/${name}/iou@max`],
        'iou@0.50': evaluation[`map/${name}/iou@0.50`],
      }),
    ]),
  );
  return { metrics, perClass };
}

function bevSegCard({
  model,
  step,
  record,
  evaluation,
  opset,
  codeCommit,
  params,
}: CardContext<BevSegmenter, BevSegEvalRecord>) {
  const { config } = model;
  const { imageHeight: H, imageWidth: W, cameras } = config.backbone.input;
  const { xBound, yBound } = config.head;
  const { cellsX, cellsY } = model.cells;
  const { inputs, outputs } = bevSegContract(model);
  const { metrics, perClass } = cardMetrics(evaluation);
  return {
    cardVersion: 1,
    task: 'bev-seg',
    name: `mim4d-${config.name}-bevfusion-seg`,
    summary:
      `BEVFusion camera map segmentation (config ${config.name}, ${step} fine-tuning steps) on a MIM4D camera ` +
      `backbone, started from ${backboneOrigin(record)}. Inputs: images [batch, ${cameras}, ${H}, ${W}, 3] RGB in ` +
      '[0, 1] (cameras in nuScenes channel order, resized keeping the aspect ratio into the top-left of a ' +
      `zero-padded canvas), ego_to_image [batch, ${cameras}, 4, 4] (the frame ego, i.e. the ego pose at the first ` +
      "camera's timestamp, in metres -> network-input pixels) and lidar_to_ego [batch, 4, 4] (the sample's " +
      'LIDAR_TOP -> the frame ego). Output: probs [batch, 6, i, j] (sigmoid, classes in `labels` order) on the ' +
      `LIDAR_TOP grid, cell (i, j) centred at x = ${xBound[0]} + (i + 0.5) * ${xBound[2]} m, y = ${yBound[0]} + ` +
      `(j + 0.5) * ${yBound[2]} m (${cellsX} x ${cellsY} cells).`,
    license: 'apache-2.0',
    labels: [...BEV_MAP_CLASSES],
    architecture: {
      family: 'mim4d',
      backbone: `convnext-sparse-${config.backbone.encoder.stageChannels.join('-')}`,
      neck: 'fpn+uvtr-lifting',
      head: `bevfusion-seg-resnet-${config.head.stageChannels.join('-')}-fpn${config.head.fpnChannels}`,
      params,
    },
    artifacts: [
      {
        path: BEV_SEG_EXPORT_FILES.onnx,
        format: 'onnx',
        role: BEV_SEG_ROLE,
        io: { opset, inputs, outputs },
      },
      { path: BEV_SEG_EXPORT_FILES.weights, format: 'safetensors', role: 'weights' },
    ],
    preprocessing: {
      images: cameraPreprocessing(config.backbone.input),
      frames: { count: 1, strideS: 0 },
      outputFrame: 'lidar',
      bevRangeM: [xBound[0], yBound[0], xBound[1], yBound[1]],
    },
    sensors: { camera: true, lidar: false, radar: false, map: false, external: false },
    training: trainingSection(record, step, codeCommit),
    results: validationResults(
      record,
      'nuscenes-bev-seg@v1',
      metrics,
      { codeCommit, seed: config.seed },
      perClass,
    ),
  };
}
