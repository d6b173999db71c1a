import type { ModelCard } from '../../src/card/model-card.ts';
import type { DeclaredIo } from '../../src/onnx/match-io.ts';

/** The I/O of `encodeTinyModel()` with its defaults. */
export const tinyModelIo: DeclaredIo = {
  opset: 17,
  inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 3] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 3] }],
};

/** A complete, valid card for a revision holding `backbone.onnx` and `config.json`; a fresh copy each call. */
export function exampleCard(io: DeclaredIo = tinyModelIo): ModelCard {
  return structuredClone({
    cardVersion: 1,
    name: 'MIM4D ResNet-50 backbone',
    summary: 'Backbone pretrained with MIM4D on synthetic multi-view clips.',
    license: 'apache-2.0',
    architecture: { family: 'MIM4D', backbone: 'ResNet-50', neck: 'FPN', params: 25_600_000 },
    artifacts: [
      { path: 'backbone.onnx', format: 'onnx', role: 'backbone', io },
      { path: 'config.json', format: 'json', role: 'config' },
    ],
    preprocessing: {
      images: {
        mean: [123.675, 116.28, 103.53],
        std: [58.395, 57.12, 57.375],
        color: 'RGB',
        resizePx: [256, 704],
        crop: 'bottom',
      },
      frames: { count: 3, strideS: 0.5 },
      outputFrame: 'ego',
      bevRangeM: [-51.2, -51.2, 51.2, 51.2],
    },
    sensors: { camera: true, lidar: false, radar: false, map: false, external: false },
    training: {
      datasets: ['nuscenes:v1.0-trainval/train'],
      epochs: 24,
      provenance: { codeRepo: 'https://github.com/mim4d/mim4d', codeCommit: 'a'.repeat(40) },
    },
    results: [
      {
        benchmark: 'nuscenes-detection@v1',
        task: '3d-object-detection',
        dataset: { name: 'nuScenes', version: 'v1.0-trainval', split: 'val' },
        metrics: { mAP: 0.302, NDS: 0.379 },
        status: 'self-reported',
        provenance: {
          evalToolkit: 'nuscenes-eval-ts@0.1.0',
          dataConverter: 'mim4d-dataset@0.1.0',
          coordConvention: 'mmdet3d>=1.0',
          date: '2025-01-15T10:30:00Z',
        },
      },
    ],
  } satisfies ModelCard);
}

/** The nuScenes detection classes in the UVTR config's order, which fixes the detector's class channels. */
export const UVTR_LABELS = [
  'car',
  'truck',
  'construction_vehicle',
  'bus',
  'trailer',
  'barrier',
  'motorcycle',
  'bicycle',
  'pedestrian',
  'traffic_cone',
];

/** A fine-tuned detector's card, as `mim4d finetune export` writes it; a fresh copy each call. */
export function exampleDetectorCard(): ModelCard {
  const card = exampleCard({
    opset: 17,
    inputs: [
      { name: 'images', dtype: 'float32', shape: ['batch', 6, 128, 224, 3] },
      { name: 'ego_to_image', dtype: 'float32', shape: ['batch', 6, 4, 4] },
    ],
    outputs: [
      { name: 'scores', dtype: 'float32', shape: ['batch', 200, 10] },
      { name: 'boxes', dtype: 'float32', shape: ['batch', 200, 10] },
    ],
  });
  card.artifacts = [
    { ...card.artifacts[0], path: 'detector.onnx', role: 'detector' },
    { path: 'detector.safetensors', format: 'safetensors', role: 'weights' },
  ];
  return {
    ...card,
    task: 'detection',
    labels: [...UVTR_LABELS],
    postprocessing: {
      detection: {
        topK: 300,
        classRangeM: Object.fromEntries(
          UVTR_LABELS.map((l) => [l, ['barrier', 'traffic_cone'].includes(l) ? 15 : 20]),
        ),
      },
    },
  };
}
