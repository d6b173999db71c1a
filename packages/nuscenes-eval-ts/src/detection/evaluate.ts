/** The devkit's `DetectionEval.evaluate()` on boxes already loaded (and filtered, when a dataset is used). */
import { accumulate, buildMatchIndex } from './accumulate.ts';
import { classCode, DETECTION_CVPR_2019, type DetectionConfig, type DetectionName } from './config.ts';
import type { EvalBoxes } from './data-classes.ts';
import { DetectionInputError } from './errors.ts';
import {
  type DetectionMetricsSummary,
  type MetricDataList,
  metricDataKey,
  summarizeMetrics,
} from './metrics.ts';

export interface EvaluateOptions {
  cfg?: DetectionConfig;
  /** Called after each (class, threshold) pair is accumulated; `done` counts up to `total`. */
  onProgress?: (done: number, total: number) => void;
}

export interface DetectionEvaluation {
  summary: DetectionMetricsSummary;
  metricData: MetricDataList;
}

/** Sample tokens must agree exactly: every GT sample needs an entry in the results, even an empty one. */
export function checkSameSamples(gt: EvalBoxes, pred: EvalBoxes): void {
  const gtTokens = new Set(gt.sampleTokens);
  const predTokens = new Set(pred.sampleTokens);
  for (const t of gt.sampleTokens) {
    if (!predTokens.has(t)) {
      throw new DetectionInputError(
        `results[${JSON.stringify(t)}]`,
        `sample of the evaluation set is missing from the results (${countMissing(gtTokens, predTokens)} missing in all; give every sample, with [] when there are no boxes)`,
      );
    }
  }
  for (const t of pred.sampleTokens) {
    if (!gtTokens.has(t)) {
      throw new DetectionInputError(
        `results[${JSON.stringify(t)}]`,
        `sample token is not in the evaluation set (${countMissing(predTokens, gtTokens)} such samples in all)`,
      );
    }
  }
}

function countMissing(from: Set<string>, inSet: Set<string>): number {
  let n = 0;
  for (const t of from) if (!inSet.has(t)) n++;
  return n;
}

export function evaluateDetection(
  gt: EvalBoxes,
  pred: EvalBoxes,
  options: EvaluateOptions = {},
): DetectionEvaluation {
  const cfg = options.cfg ?? DETECTION_CVPR_2019;
  if (!cfg.dist_ths.includes(cfg.dist_th_tp)) {
    throw new DetectionInputError('cfg.dist_th_tp', `must be one of dist_ths (${cfg.dist_ths.join(', ')})`);
  }
  checkSameSamples(gt, pred);
  const start = performance.now();
  const index = buildMatchIndex(gt, pred);
  const names = Object.keys(cfg.class_range) as DetectionName[];
  const metricData: MetricDataList = new Map();
  const total = names.length * cfg.dist_ths.length;
  let done = 0;
  for (const name of names) {
    const code = classCode.get(name);
    if (code === undefined)
      throw new DetectionInputError(`cfg.class_range.${name}`, 'unknown detection class');
    const perThreshold = accumulate(index, code, cfg.dist_ths);
    cfg.dist_ths.forEach((th, i) => {
      metricData.set(metricDataKey(name, th), perThreshold[i]);
    });
    done += cfg.dist_ths.length;
    options.onProgress?.(done, total);
  }
  const summary = summarizeMetrics(metricData, cfg, (performance.now() - start) / 1000);
  return { summary, metricData };
}
