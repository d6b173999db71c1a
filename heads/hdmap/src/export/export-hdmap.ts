import { MAPTR_CLASSES } from '@mim4d/dataset';
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
import type { HdMapConfig } from '../config.ts';
import { HdMapModel } from '../model/hdmap-model.ts';
import type { HdMapEvalRecord } from '../train/finetune-hdmap.ts';
import { hdMapContract, hdMapOnnx } from './hdmap-onnx.ts';

// card.json is the name `mim4d-zoo push` reads the card from, so the export folder publishes as it is.
export const HDMAP_EXPORT_FILES = {
  onnx: 'hdmap.onnx',
  weights: 'hdmap.safetensors',
  card: 'card.json',
} as const;

/** The artifact role of the graph, which `mim4d-eval hdmap --model` runs. */
export const HDMAP_ROLE = 'hdmap';

/** `format` in hdmap.safetensors' metadata, next to the run's `config` (JSON) and `step`. */
export const HDMAP_WEIGHTS_FORMAT = 'mim4d-hdmap/1';

/**
 * Exports an HD-map fine-tuning run: `export/hdmap.onnx` (images + ego -> image and lidar -> ego matrices ->
 * vector scores and lidar-frame points, heads.md 3.3), `export/hdmap.safetensors` and a zoo card (task hdmap, the
 * I/O contract, the class order, the patch, preprocessing, the backbone it started from, the data and the last
 * validation Chamfer AP).
 */
export function exportHdMap(runDir: string, codeCommit: string): HeadExport {
  return exportFinetuneRun<HdMapConfig, HdMapModel, HdMapEvalRecord>(runDir, codeCommit, {
    task: 'hdmap',
    files: HDMAP_EXPORT_FILES,
    weightsFormat: HDMAP_WEIGHTS_FORMAT,
    build: (config) => new HdMapModel(config),
    graph: hdMapOnnx,
    card: hdMapCard,
  });
}

/** The card's result: mAP and per-class AP as the zoo's nuscenes-hdmap benchmark names them, AP per threshold. */
function cardMetrics(evaluation: HdMapEvalRecord | null) {
  if (evaluation === null) return { metrics: {}, perClass: undefined };
  const key = (suffix: string) => evaluation[`NuscMap_chamfer/${suffix}`];
  const metrics = finiteMetrics({
    mAP: key('mAP'),
    ...Object.fromEntries(MAPTR_CLASSES.map((name) => [`${name}_AP`, key(`${name}_AP`)])),
  });
  const perClass = Object.fromEntries(
    MAPTR_CLASSES.map((name) => [
      name,
      finiteMetrics(
        Object.fromEntries(['0.5', '1.0', '1.5'].map((t) => [`AP@${t}m`, key(`${name}_AP_thr_${t}`)])),
      ),
    ]),
  );
  return { metrics, perClass };
}

function hdMapCard({
  model,
  step,
  record,
  evaluation,
  opset,
  codeCommit,
  params,
}: CardContext<HdMapModel, HdMapEvalRecord>) {
  const { config } = model;
  const { imageHeight: H, imageWidth: W, cameras } = config.backbone.input;
  const { xBound, yBound, vectors: V, points: P } = config.head;
  const { inputs, outputs } = hdMapContract(model);
  const { metrics, perClass } = cardMetrics(evaluation);
  return {
    cardVersion: 1,
    task: 'hdmap',
    name: `mim4d-${config.name}-maptr`,
    summary:
      `MapTR vectorized HD map (config ${config.name}, ${step} fine-tuning steps) on a MIM4D camera backbone, ` +
      `started from ${backboneOrigin(record)}. Inputs: images [batch, ${cameras}, ${H}, ${W}, 3] RGB in [0, 1] ` +
      '(cameras in nuScenes channel order, resized keeping the aspect ratio into the top-left of a zero-padded ' +
      `canvas), ego_to_image [batch, ${cameras}, 4, 4] (the frame ego, i.e. the ego pose at the first camera's ` +
      "timestamp, in metres -> network-input pixels) and lidar_to_ego [batch, 4, 4] (the sample's LIDAR_TOP -> the " +
      `frame ego). Outputs: scores [batch, ${V}, 3] (sigmoid, classes in \`labels\` order) and pts [batch, ${V}, ` +
      `${P}, 2] (each vector's points, LIDAR_TOP metres, x lateral, y forward), for the patch x ${xBound[0]}..` +
      `${xBound[1]} m, y ${yBound[0]}..${yBound[1]} m; keep the top ${config.head.topK} of vectors x classes.`,
    license: 'apache-2.0',
    labels: [...MAPTR_CLASSES],
    architecture: {
      family: 'mim4d',
      backbone: `convnext-sparse-${config.backbone.encoder.stageChannels.join('-')}`,
      neck: 'fpn+uvtr-lifting',
      head: `maptr-${V}x${P}-d${config.head.dims}-l${config.head.layers}`,
      params,
    },
    artifacts: [
      { path: HDMAP_EXPORT_FILES.onnx, format: 'onnx', role: HDMAP_ROLE, io: { opset, inputs, outputs } },
      { path: HDMAP_EXPORT_FILES.weights, format: 'safetensors', role: 'weights' },
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
      'nuscenes-hdmap@v1',
      metrics,
      { codeCommit, seed: config.seed },
      perClass,
    ),
  };
}
