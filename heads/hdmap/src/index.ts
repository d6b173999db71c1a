export {
  HDMAP_PRESETS,
  type HdMapConfig,
  loadHdMapConfig,
  patchSize,
  validateHdMapConfig,
} from './config.ts';
export {
  drawTargets,
  type GtInstance,
  gtInstance,
  type MapTrTargets,
  type PatchHalf,
  patchHalf,
} from './data/gt-orders.ts';
export { type HdMapSample, HdMapSamples } from './data/hdmap-samples.ts';
export {
  exportHdMap,
  HDMAP_EXPORT_FILES,
  HDMAP_ROLE,
  HDMAP_WEIGHTS_FORMAT,
} from './export/export-hdmap.ts';
export { hdMapContract, hdMapOnnx } from './export/hdmap-onnx.ts';
export {
  type HdMapLayerOutput,
  type HdMapLoss,
  hdMapLoss,
  type LayerMatch,
  matchLayer,
  orderMinCost,
} from './loss.ts';
export { HdMapModel } from './model/hdmap-model.ts';
export {
  denormalisePoints,
  type HdMapOutputs,
  type PredictedVector,
  predictOutputs,
  topVectors,
} from './predict.ts';
export {
  type FinetuneHdMapOptions,
  finetuneHdMap,
  HDMAP_LOSS_TERMS,
  type HdMapEvalRecord,
  hdMapTrainingTask,
} from './train/finetune-hdmap.ts';
export { METRICS_FILE, validateHdMap } from './validation.ts';
