/**
 * `mim4d-eval detection --model`: run a fine-tuned detector's ONNX graph over a dataroot split, decode its
 * outputs into a nuScenes submission and score it with the card's class ranges (heads.md 1.5), which then filter
 * both the ground truth and the predictions in place of the official 50/40/30 m.
 */

import { join } from 'node:path';
import { CAMERA_ONLY_META } from '@mim4d/head-detection';
import { DETECTION_CVPR_2019 } from 'nuscenes-eval-ts';
import { type DatasetSplit, openDatasetSplit } from '../dataset-split.ts';
import {
  datasetGroundTruth,
  readSplitDetectionBoxes,
  writeDatasetGroundTruth,
} from '../detection/dataset-ground-truth.ts';
import {
  type DetectionRunIo,
  type DetectionRunOptions,
  type DetectionRunResult,
  scoreDetection,
} from '../detection/run-detection.ts';
import { DETECTOR_ROLE, readDetectorCard } from './detector-card.ts';
import { checkDetectorContract } from './detector-contract.ts';
import { DetectorSession } from './detector-session.ts';
import { checkGraphMatchesCard } from './graph-contract.ts';
import { openModelSource } from './model-source.ts';
import { type DetectorTimes, runDetector } from './run-detector.ts';
import { SubmissionWriter } from './submission-writer.ts';
import type { ZooConnection } from './zoo-model.ts';

export const RESULTS_FILE = 'results_nusc.json';

export interface ModelDetectionOptions
  extends Pick<DetectionRunOptions, 'outputDir' | 'plots' | 'json' | 'progress'> {
  /** An .onnx file (card.json beside it), an export folder or a zoo reference ns/name[@rev]. */
  model: string;
  dataset: DatasetSplit;
  /** Where the submission goes; default `<outputDir>/results_nusc.json`. */
  resultsOut?: string;
  /** Also write the GT scored against here, as `mim4d-zoo benchmark gt` installs it (EvalBoxes JSON). */
  groundTruthOut?: string;
  /** Samples per graph run. */
  batch: number;
  /** onnxruntime intra-op threads. */
  threads: number;
  zoo?: ZooConnection;
}

export interface ModelTimes extends DetectorTimes {
  /** Ground truth from the dataroot plus filtering, metrics and their files. */
  scoring: number;
}

export interface ModelDetectionResult extends DetectionRunResult {
  resultsPath: string;
  times: ModelTimes;
}

const defaultIo: DetectionRunIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

const seconds = (start: number) => (performance.now() - start) / 1000;

export function formatTimeSplit(t: ModelTimes): string {
  const s = (x: number) => `${x.toFixed(2)} s`;
  return (
    `Time split: image decoding ${s(t.imageDecoding)}, onnxruntime ${s(t.onnxruntime)}, ` +
    `post-processing ${s(t.postprocessing)}, scoring ${s(t.scoring)}\n` +
    `${t.samples} samples detected in ${s(t.wall)}: ${(t.samples / t.wall).toFixed(2)} samples/s ` +
    '(image decoding runs while onnxruntime works on the previous batch)\n'
  );
}

export async function runModelDetection(
  options: ModelDetectionOptions,
  io: DetectionRunIo = defaultIo,
): Promise<ModelDetectionResult> {
  const log = options.json ? () => {} : io.stderr;
  const source = await openModelSource(options.model, options.zoo ?? {});
  const detector = readDetectorCard(source.card, source.cardSource);
  checkDetectorContract(detector, source.cardSource);
  const onnxPath = await source.artifactFile(detector.detector.path, DETECTOR_ROLE);
  await checkGraphMatchesCard(onnxPath, detector.detector, source.cardSource, DETECTOR_ROLE);

  const opened = await openDatasetSplit(options.dataset);
  let scoreStart = performance.now();
  const splitBoxes = await readSplitDetectionBoxes(options.dataset, opened);
  const gt = datasetGroundTruth(splitBoxes);
  if (options.groundTruthOut !== undefined) {
    await writeDatasetGroundTruth(splitBoxes, options.groundTruthOut);
  }
  let scoring = seconds(scoreStart);

  const tokens = opened.samples.map((s) => s.token);
  log(
    `Model: ${onnxPath} (${source.cardSource}); ${tokens.length} samples in batches of ${options.batch}, ` +
      `${options.threads} onnxruntime threads\n`,
  );
  const resultsPath = options.resultsOut ?? join(options.outputDir, RESULTS_FILE);
  const session = await DetectorSession.open(onnxPath, options.threads, detector.labels.length);
  let detected: DetectorTimes;
  let writer: SubmissionWriter | undefined;
  let pred: Awaited<ReturnType<SubmissionWriter['finish']>>;
  try {
    writer = await SubmissionWriter.open(resultsPath);
    const into = writer;
    detected = await runDetector(
      session,
      opened.nusc,
      tokens,
      detector,
      (token, boxes) => into.add(token, boxes),
      {
        batch: options.batch,
        progress: options.progress,
      },
    );
    pred = await writer.finish();
  } catch (err) {
    await writer?.abort();
    throw err;
  } finally {
    await session.close();
  }
  log(
    `Results: ${writer.counts.boxes} boxes in ${writer.counts.samples} samples, written to ${resultsPath}\n`,
  );

  scoreStart = performance.now();
  const cfg = { ...DETECTION_CVPR_2019, class_range: detector.decoding.classRangeM };
  const result = await scoreDetection(
    { gt: gt.gt, pred, meta: CAMERA_ONLY_META, filterContext: gt.context, cfg },
    options,
    io,
  );
  scoring += seconds(scoreStart);
  const times = { ...detected, scoring };
  io.stderr(formatTimeSplit(times));
  return { ...result, resultsPath, times };
}
