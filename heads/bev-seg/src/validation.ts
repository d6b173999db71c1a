import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BevGrid, BevMasks } from '@mim4d/dataset';
import { BEVFUSION_SEG_CONFIG, SegmentationEvaluator } from 'nuscenes-eval-ts';
import type { BevSegSamples } from './data/bev-seg-samples.ts';
import { groundTruthMasks } from './data/ground-truth.ts';
import type { BevSegmenter } from './model/bev-segmenter.ts';
import { predictProbabilities } from './predict.ts';

/** The file a validation evaluation writes in its folder, as `mim4d-eval bev-seg` names it. */
export const METRICS_FILE = 'metrics.json';

/** Besides the metric's keys: the class mean at the fixed threshold 0.5, which no evaluation set chose (bug B4). */
export const MEAN_IOU_AT_HALF = 'map/mean/iou@0.50';

/**
 * Scores a model on the validation samples with BEVFusion's IoU (every class at the thresholds 0.35..0.65, iou@max
 * and their class mean) plus the class mean at 0.5, against the masks BEVFusion rasterises at each sample's lidar
 * pose (computed once per sample and kept).
 */
export class BevSegValidator {
  private readonly masks = new Map<string, BevMasks>();

  constructor(
    readonly samples: BevSegSamples,
    readonly grid: BevGrid,
  ) {}

  /** Evaluates every sample in order and writes metrics.json to `outputDir`; returns the metrics. */
  async evaluate(model: BevSegmenter, outputDir: string): Promise<Record<string, number>> {
    const evaluator = new SegmentationEvaluator(BEVFUSION_SEG_CONFIG);
    for (let k = 0; k < this.samples.count; k++) {
      const sample = await this.samples.get(k);
      let masks = this.masks.get(sample.token);
      if (masks === undefined) {
        masks = groundTruthMasks(sample.map, sample.pose, this.grid);
        this.masks.set(sample.token, masks);
      }
      evaluator.addSample({
        sampleToken: sample.token,
        probabilities: predictProbabilities(model, sample),
        masks: masks.data,
      });
    }
    const { metrics } = evaluator.result();
    const atHalf = BEVFUSION_SEG_CONFIG.classes.map((name) => metrics[`map/${name}/iou@0.50`]);
    const all = { ...metrics, [MEAN_IOU_AT_HALF]: atHalf.reduce((a, b) => a + b, 0) / atHalf.length };
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(path.join(outputDir, METRICS_FILE), `${JSON.stringify(all, null, 2)}\n`);
    return all;
  }
}
