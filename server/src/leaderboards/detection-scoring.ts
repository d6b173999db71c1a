/**
 * Scoring of nuscenes-detection submissions with nuscenes-eval-ts. Validation (every box rule, the sample set
 * against the GT) runs before the server answers, so a bad file is a 422 with JSON paths; the evaluation itself
 * runs afterwards.
 */
import { stat } from 'node:fs/promises';
import {
  checkSameSamples,
  DetectionInputError,
  type EvalBoxes,
  evaluateDetection,
  loadEvalBoxesFile,
  loadPredictionFile,
} from 'nuscenes-eval-ts';
import type { SubmissionError } from './benchmark.ts';

/** A submission the evaluator refused, with where (a JSON path in the body) and why. */
export class InvalidSubmissionError extends Error {
  constructor(readonly errors: SubmissionError[]) {
    super(errors.map((e) => `${e.path}: ${e.rule}`).join('; '));
    this.name = 'InvalidSubmissionError';
  }
}

/** Rewrites the evaluator's `<file>: results[...]` into a path inside the request body (`$` is the whole body). */
function bodyError(error: DetectionInputError, file: string): SubmissionError {
  const prefix = `${file}: `;
  const path = error.where.startsWith(prefix)
    ? error.where.slice(prefix.length)
    : error.where === file
      ? '$'
      : error.where;
  return { path, rule: error.rule };
}

/** Ground truth read once per file version (path, size, mtime), since a benchmark's GT is large and rarely changes. */
export class GroundTruthCache {
  private cached: { key: string; boxes: EvalBoxes } | null = null;

  async load(file: string): Promise<EvalBoxes> {
    const info = await stat(file);
    const key = `${file}\0${info.size}\0${info.mtimeMs}`;
    if (this.cached?.key !== key) this.cached = { key, boxes: await loadEvalBoxesFile(file) };
    return this.cached.boxes;
  }
}

export interface ValidatedDetection {
  gt: EvalBoxes;
  pred: EvalBoxes;
}

/** Loads and checks a submission file against the GT; throws {@link InvalidSubmissionError} for bad input. */
export async function validateDetectionSubmission(
  file: string,
  gtFile: string,
  cache: GroundTruthCache,
): Promise<ValidatedDetection> {
  const gt = await cache.load(gtFile);
  try {
    const { boxes } = await loadPredictionFile(file);
    checkSameSamples(gt, boxes);
    return { gt, pred: boxes };
  } catch (error) {
    if (error instanceof DetectionInputError) throw new InvalidSubmissionError([bodyError(error, file)]);
    if (error instanceof SyntaxError) throw new InvalidSubmissionError([{ path: '$', rule: error.message }]);
    throw error;
  }
}

/** NDS, mAP and the five true-positive errors, as fractions and SI units like the devkit reports them. */
export function scoreDetection({ gt, pred }: ValidatedDetection): Record<string, number> {
  const { summary } = evaluateDetection(gt, pred);
  const tp = summary.tp_errors;
  return {
    NDS: summary.nd_score,
    mAP: summary.mean_ap,
    mATE: tp.trans_err,
    mASE: tp.scale_err,
    mAOE: tp.orient_err,
    mAVE: tp.vel_err,
    mAAE: tp.attr_err,
  };
}
