export { DETECTION_HEAD_CLASSES, type DetectionHeadClass } from './classes.ts';
export {
  DETECTION_PRESETS,
  type DetectionConfig,
  loadDetectionConfig,
  validateDetectionConfig,
} from './config.ts';
export { type DetectionSample, DetectionSamples } from './data/detection-samples.ts';
export { detectorContract, detectorOnnx } from './export/detector-onnx.ts';
export { DETECTOR_EXPORT_FILES, exportDetector } from './export/export-detector.ts';
export {
  DETECTION_LOSS_WEIGHTS,
  type DetectionLayerOutput,
  type DetectionLoss,
  type DetectionLossWeights,
  detectionLoss,
  matchLayer,
} from './loss.ts';
export { UvtrDetector } from './model/detector.ts';
export { detectorOutputs } from './model/outputs.ts';
export * from './postprocess.ts';
export { CAMERA_ONLY_META, type DetectionSubmission, predictDetections } from './predict.ts';
export { augmentTargets, type DetectionTargets, detectionTargets, TARGET_CODE_SIZE } from './targets.ts';
export {
  DETECTION_LOSS_TERMS,
  DETECTION_RUN_FILES,
  type DetectionEvalRecord,
  detectionTrainingTask,
  type FinetuneDetectionOptions,
  finetuneDetection,
  type ScoreDetections,
} from './train/finetune-detection.ts';
