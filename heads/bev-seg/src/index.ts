export {
  BEV_SEG_PRESETS,
  type BevSegConfig,
  loadBevSegConfig,
  validateBevSegConfig,
} from './config.ts';
export { type BevSegSample, BevSegSamples } from './data/bev-seg-samples.ts';
export { augmentedGroundTruthMasks, bevGrid, groundTruthMasks, maskTargets } from './data/ground-truth.ts';
export { bevSegContract, bevSegOnnx } from './export/bev-seg-onnx.ts';
export {
  BEV_SEG_EXPORT_FILES,
  BEV_SEG_ROLE,
  BEV_SEG_WEIGHTS_FORMAT,
  exportBevSeg,
} from './export/export-bev-seg.ts';
export { bevSegLoss } from './loss.ts';
export { BevSegmenter } from './model/bev-segmenter.ts';
export { predictProbabilities } from './predict.ts';
export {
  BEV_SEG_LOSS_TERMS,
  type BevSegEvalRecord,
  bevSegTrainingTask,
  type FinetuneBevSegOptions,
  finetuneBevSeg,
} from './train/finetune-bev-seg.ts';
export { BevSegValidator, MEAN_IOU_AT_HALF, METRICS_FILE } from './validation.ts';
