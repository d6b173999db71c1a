import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ChamferEvaluator, lidarPolyline, MAPTR_CHAMFER_CONFIG } from 'nuscenes-eval-ts';
import type { HdMapSamples } from './data/hdmap-samples.ts';
import type { HdMapModel } from './model/hdmap-model.ts';
import { predictOutputs, topVectors } from './predict.ts';

/** The file a validation evaluation writes in its folder, as `mim4d-eval hdmap` names it. */
export const METRICS_FILE = 'metrics.json';

/**
 * Scores a model on the validation samples with MapTR's Chamfer AP (per class at 0.5 / 1.0 / 1.5 m, class means
 * and mAP), against the MapTR GT in the head's patch, and writes metrics.json to `outputDir`.
 */
export async function validateHdMap(
  model: HdMapModel,
  samples: HdMapSamples,
  outputDir: string,
): Promise<Record<string, number>> {
  const evaluator = new ChamferEvaluator(MAPTR_CHAMFER_CONFIG);
  const { points, topK } = model.config.head;
  for (let k = 0; k < samples.count; k++) {
    const sample = await samples.get(k);
    evaluator.addSample({
      sampleToken: sample.token,
      predictions: topVectors(predictOutputs(model, sample), points, topK).map((v) => ({
        classId: v.classId,
        score: v.score,
        pts: lidarPolyline(v.pts),
      })),
      groundTruth: sample.vectors.map((v) => ({
        classId: v.type,
        pts: lidarPolyline(Float64Array.from(v.pts.flat())),
      })),
    });
  }
  const { metrics } = evaluator.result();
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(path.join(outputDir, METRICS_FILE), `${JSON.stringify(metrics, null, 2)}\n`);
  return metrics;
}
