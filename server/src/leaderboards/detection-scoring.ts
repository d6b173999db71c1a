/** Scoring of nuscenes-detection submissions: the nuScenes submission format against EvalBoxes GT. */
import { checkSameSamples, evaluateDetection, loadEvalBoxesFile, loadPredictionFile } from 'nuscenes-eval-ts';

/** Checks an operator's GT file (EvalBoxes JSON: sample_token -> boxes); says what it holds. */
export async function describeDetectionGroundTruth(file: string): Promise<string> {
  const boxes = await loadEvalBoxesFile(file);
  const samples = boxes.sampleTokens.length;
  return `${samples} samples, ${boxes.sampleOffsets[samples] ?? 0} boxes`;
}

/** NDS, mAP and the five true-positive errors, as fractions and SI units like the devkit reports them. */
export async function scoreDetectionFile(file: string, groundTruth: string): Promise<Record<string, number>> {
  const gt = await loadEvalBoxesFile(groundTruth);
  const { boxes } = await loadPredictionFile(file);
  checkSameSamples(gt, boxes);
  const { summary } = evaluateDetection(gt, boxes);
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
