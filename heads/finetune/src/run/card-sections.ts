import path from 'node:path';
import { CAMERA_CHANNELS } from '@mim4d/dataset';
import type { CameraInputSize } from '@mim4d/pretrain';
import type { CardImagePreprocessing, CardResult, CardTraining } from '@mim4d/zoo';
import type { FinetuneRecord } from './finetune-run.ts';

/** The parts of a fine-tuned head's model card that every head writes alike, from its run record. */

/** What the run started from, for the card's summary. */
export function backboneOrigin(record: FinetuneRecord): string {
  const { backbone } = record;
  if (backbone.kind === 'none') return 'random initialisation';
  return `${backbone.description}${backbone.sha256 === undefined ? '' : ` (weights sha256 ${backbone.sha256})`}`;
}

/** The camera input every exported head takes: RGB in [0, 1], nuScenes channel order, resized into a canvas. */
export function cameraPreprocessing(input: CameraInputSize): CardImagePreprocessing {
  return {
    mean: [0, 0, 0],
    std: [255, 255, 255],
    color: 'RGB',
    resizePx: [input.imageHeight, input.imageWidth],
    crop: 'none',
    cameras: CAMERA_CHANNELS.slice(0, input.cameras),
  };
}

/** `nuscenes-layout:<dataroot folder name>`: the dataset a run trained or was validated on. */
function datasetName(record: FinetuneRecord): string {
  return `nuscenes-layout:${path.basename(path.resolve(record.data.dataroot))}`;
}

export function trainingSection(record: FinetuneRecord, step: number, codeCommit: string): CardTraining {
  const { backbone, data } = record;
  return {
    datasets: [`${datasetName(record)}/${data.version}/${data.trainSplit}`],
    steps: step,
    ...(backbone.kind === 'zoo'
      ? { pretrainedFrom: `${backbone.ref.split('@')[0]}@${backbone.revision}` }
      : {}),
    provenance: { codeRepo: 'mim4d', codeCommit },
  };
}

/** The card's self-reported validation result, or none when the run has no metrics. */
export function validationResults(
  record: FinetuneRecord,
  benchmark: string,
  metrics: Record<string, number>,
  provenance: { codeCommit: string; seed: number },
  perClass?: Record<string, Record<string, number>>,
): CardResult[] {
  if (Object.keys(metrics).length === 0) return [];
  return [
    {
      benchmark,
      task: record.task,
      dataset: { name: datasetName(record), version: record.data.version, split: record.data.valSplit },
      metrics,
      ...(perClass === undefined ? {} : { perClass }),
      status: 'self-reported',
      provenance: {
        evalToolkit: 'nuscenes-eval-ts@0.1.0',
        dataConverter: 'mim4d-dataset@0.1.0',
        coordConvention: 'nuscenes',
        codeCommit: provenance.codeCommit,
        seed: provenance.seed,
      },
    },
  ];
}

/** A card holds numbers only (JSON has no NaN): the metrics that could be computed, the others left out. */
export function finiteMetrics(values: Record<string, number | null | undefined>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(values).filter((e): e is [string, number] => typeof e[1] === 'number'),
  );
}
