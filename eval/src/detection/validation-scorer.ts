/**
 * Scoring of a detector's validation predictions while it trains: the split's ground truth is read once, each
 * submission is filtered with the head's class ranges and evaluated as `mim4d-eval detection --model` would, and
 * the devkit's files of each evaluation are kept in their own folder.
 */
import { DETECTION_CVPR_2019, submissionFromObject } from 'nuscenes-eval-ts';
import { type DatasetSplit, type OpenedSplit, openDatasetSplit } from '../dataset-split.ts';
import { loadDatasetGroundTruth } from './dataset-ground-truth.ts';
import { scoreDetection } from './run-detection.ts';

/** metrics_summary.json's TP errors under the names the devkit prints. */
const TP_NAMES = {
  trans_err: 'mATE',
  scale_err: 'mASE',
  orient_err: 'mAOE',
  vel_err: 'mAVE',
  attr_err: 'mAAE',
};

/** Flat metrics of one evaluation: mAP, NDS, the mean TP errors, and `AP.<class>` per class. */
export type DetectionMetrics = Record<string, number | null>;

export type DetectionValidationScorer = (submission: unknown, outputDir: string) => Promise<DetectionMetrics>;

const quiet = { stdout: () => {}, stderr: () => {} };

/** `opened`: the split already opened by the caller (a training run has its tables), so it is not read twice. */
export async function detectionValidationScorer(
  split: DatasetSplit,
  classRangeM: Readonly<Record<string, number>>,
  opened?: OpenedSplit,
): Promise<DetectionValidationScorer> {
  const gt = await loadDatasetGroundTruth(split, opened ?? (await openDatasetSplit(split)));
  const cfg = {
    ...DETECTION_CVPR_2019,
    class_range: { ...classRangeM } as typeof DETECTION_CVPR_2019.class_range,
  };
  return async (submission, outputDir) => {
    const { boxes, meta } = submissionFromObject(submission, 'validation predictions');
    const { summary } = await scoreDetection(
      { gt: gt.gt, pred: boxes, meta, filterContext: gt.context, cfg },
      { outputDir, json: false, plots: false, progress: false },
      quiet,
    );
    const finite = (v: number) => (Number.isFinite(v) ? v : null);
    return {
      mAP: summary.mean_ap,
      NDS: summary.nd_score,
      ...Object.fromEntries(
        Object.entries(TP_NAMES).map(([k, name]) => [
          name,
          finite(summary.tp_errors[k as keyof typeof TP_NAMES]),
        ]),
      ),
      ...Object.fromEntries(Object.entries(summary.mean_dist_aps).map(([name, ap]) => [`AP.${name}`, ap])),
    };
  };
}
