export { DETECTION_HEAD_CLASSES, type DetectionHeadClass } from './classes.ts';
export {
  DETECTION_LOSS_WEIGHTS,
  type DetectionLayerOutput,
  type DetectionLoss,
  type DetectionLossWeights,
  detectionLoss,
  matchLayer,
} from './loss.ts';
export { augmentTargets, type DetectionTargets, detectionTargets, TARGET_CODE_SIZE } from './targets.ts';
