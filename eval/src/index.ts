export { compareMetrics, formatComparison } from './compare/compare-table.ts';
export { readFolderMetrics } from './compare/read-metrics.ts';
export {
  type DetectionMetrics,
  type DetectionValidationScorer,
  detectionValidationScorer,
} from './detection/validation-scorer.ts';
export { runModelBevSeg } from './model/run-model-bev-seg.ts';
export { runModelDetection } from './model/run-model-detection.ts';
export { runModelHdMap } from './model/run-model-hdmap.ts';
