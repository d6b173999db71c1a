export {
  type DetectionMetrics,
  type DetectionValidationScorer,
  detectionValidationScorer,
} from './detection/validation-scorer.ts';
