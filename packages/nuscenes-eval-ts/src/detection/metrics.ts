/** AP, TP errors and NDS from the accumulated curves (the devkit's `calc_ap`, `calc_tp`, DetectionMetrics). */

import { mean, nanmean } from '../numeric/nan.ts';
import { pairwiseSum64 } from '../numeric/pairwise-sum.ts';
import {
  type DetectionConfig,
  type DetectionName,
  isExcludedTpMetric,
  pythonFloatKey,
  TP_METRICS,
  type TpMetric,
} from './config.ts';
import { type DetectionMetricData, maxRecallIndex } from './data-classes.ts';

/** Index of the first recall bin that counts: the bin at min_recall itself is excluded. */
function firstCountedIndex(minRecall: number): number {
  // Python's round() on 100 * min_recall; the products used in practice are never exact halves.
  return Math.round(100 * minRecall) + 1;
}

/** Area under the precision curve above min_recall, with precision below min_precision clipped to 0. */
export function calcAp(md: DetectionMetricData, minRecall: number, minPrecision: number): number {
  if (!(minPrecision >= 0 && minPrecision < 1))
    throw new RangeError(`min_precision ${minPrecision} not in [0, 1)`);
  if (!(minRecall >= 0 && minRecall <= 1)) throw new RangeError(`min_recall ${minRecall} not in [0, 1]`);
  const clipped = md.precision.slice(firstCountedIndex(minRecall)).map((p) => Math.max(p - minPrecision, 0));
  return mean(clipped) / (1.0 - minPrecision);
}

/** Mean of a TP-error curve from the first counted recall bin to the highest recall reached; 1 if too few. */
export function calcTp(md: DetectionMetricData, minRecall: number, metric: TpMetric): number {
  const first = firstCountedIndex(minRecall);
  const last = maxRecallIndex(md);
  if (last < first) return 1.0;
  return mean(md[metric], first, last + 1 - first);
}

export type LabelAps = Record<DetectionName, Record<string, number>>;
export type LabelTpErrors = Record<DetectionName, Record<TpMetric, number>>;

/** The devkit's `DetectionMetrics.serialize()`; NaN stays NaN here (JSON writers turn it into null). */
export interface DetectionMetricsSummary {
  label_aps: LabelAps;
  mean_dist_aps: Record<DetectionName, number>;
  mean_ap: number;
  label_tp_errors: LabelTpErrors;
  tp_errors: Record<TpMetric, number>;
  tp_scores: Record<TpMetric, number>;
  nd_score: number;
  /** Seconds spent in accumulate + metrics, as the devkit measures it. */
  eval_time: number;
  cfg: DetectionConfig;
}

/** Metric data keyed like the devkit: `${class}:${threshold}` with Python float formatting (`car:1.0`). */
export type MetricDataList = Map<string, DetectionMetricData>;

export function metricDataKey(name: DetectionName, distTh: number): string {
  return `${name}:${pythonFloatKey(distTh)}`;
}

export function summarizeMetrics(
  mdList: MetricDataList,
  cfg: DetectionConfig,
  evalTime: number,
): DetectionMetricsSummary {
  const names = Object.keys(cfg.class_range) as DetectionName[];
  const labelAps = {} as LabelAps;
  const labelTp = {} as LabelTpErrors;
  const meanDistAps = {} as Record<DetectionName, number>;
  for (const name of names) {
    labelAps[name] = {};
    for (const th of cfg.dist_ths) {
      labelAps[name][pythonFloatKey(th)] = calcAp(
        mustGet(mdList, metricDataKey(name, th)),
        cfg.min_recall,
        cfg.min_precision,
      );
    }
    labelTp[name] = {} as Record<TpMetric, number>;
    const tpData = mustGet(mdList, metricDataKey(name, cfg.dist_th_tp));
    for (const metric of TP_METRICS) {
      labelTp[name][metric] = isExcludedTpMetric(name, metric)
        ? Number.NaN
        : calcTp(tpData, cfg.min_recall, metric);
    }
    meanDistAps[name] = mean(Object.values(labelAps[name]));
  }
  const meanAp = mean(Object.values(meanDistAps));
  const tpErrors = {} as Record<TpMetric, number>;
  const tpScores = {} as Record<TpMetric, number>;
  for (const metric of TP_METRICS) {
    tpErrors[metric] = nanmean(names.map((n) => labelTp[n][metric]));
    const score = 1.0 - tpErrors[metric];
    // Python's max(0.0, score) gives 0 for NaN, where Math.max would give NaN.
    tpScores[metric] = Number.isNaN(score) ? 0.0 : Math.max(0.0, score);
  }
  const scoreSum = pairwiseSum64(TP_METRICS.map((m) => tpScores[m]));
  const ndScore = (cfg.mean_ap_weight * meanAp + scoreSum) / (cfg.mean_ap_weight + TP_METRICS.length);
  return {
    label_aps: labelAps,
    mean_dist_aps: meanDistAps,
    mean_ap: meanAp,
    label_tp_errors: labelTp,
    tp_errors: tpErrors,
    tp_scores: tpScores,
    nd_score: ndScore,
    eval_time: evalTime,
    cfg,
  };
}

function mustGet(mdList: MetricDataList, key: string): DetectionMetricData {
  const md = mdList.get(key);
  if (!md) throw new Error(`metric data for ${key} is missing`);
  return md;
}
