import { type ChamferConfig, MAPTR_CHAMFER_CONFIG } from './config.ts';
import type { ChamferResult } from './data-classes.ts';
import { ChamferEvaluator } from './evaluate.ts';
import { loadMapGroundTruth, type MapGroundTruth, type PairingOptions, streamMapResults } from './loaders.ts';

/**
 * MapTR Chamfer AP of a results file against a GT file (or GT vectors built elsewhere, e.g. from a
 * nuScenes map), streaming the results so that memory does not grow with their size.
 */
export async function evaluateChamferFiles(
  resultsFile: string,
  gt: string | MapGroundTruth,
  options: PairingOptions & { config?: ChamferConfig } = {},
): Promise<ChamferResult> {
  const groundTruth = typeof gt === 'string' ? await loadMapGroundTruth(gt) : gt;
  const evaluator = new ChamferEvaluator(options.config ?? MAPTR_CHAMFER_CONFIG);
  await streamMapResults(resultsFile, groundTruth, (sample) => evaluator.addSample(sample), options);
  return evaluator.result();
}
