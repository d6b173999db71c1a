/** Scoring of nuscenes-hdmap submissions: MapTR results JSON against MapTR GT JSON, Chamfer AP. */
import { evaluateChamferFiles, loadMapGroundTruth, MAPTR_CLASSES } from 'nuscenes-eval-ts';

/** Checks an operator's GT file (`{GTs: [{sample_token, vectors}]}`); says what it holds. */
export async function describeMapGroundTruth(file: string): Promise<string> {
  const gt = await loadMapGroundTruth(file);
  let vectors = 0;
  for (const sample of gt.values()) vectors += sample.length;
  return `${gt.size} samples, ${vectors} vectors`;
}

/** mAP and the per-class AP (each averaged over the 0.5/1.0/1.5 m thresholds), under the benchmark's keys. */
export async function scoreMapFile(file: string, groundTruth: string): Promise<Record<string, number>> {
  const { metrics } = await evaluateChamferFiles(file, groundTruth);
  const scores: Record<string, number> = { mAP: metrics['NuscMap_chamfer/mAP'] };
  for (const name of MAPTR_CLASSES) scores[`${name}_AP`] = metrics[`NuscMap_chamfer/${name}_AP`];
  return scores;
}
