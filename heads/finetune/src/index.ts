export {
  augmentEgoToImage,
  type BevAugmentation,
  type BevAugmentationRanges,
  bevMatrix,
  drawBevAugmentation,
} from './augment/bev-augmentation.ts';
export { drawGridMask, type GridMaskOptions, gridMask } from './augment/grid-mask.ts';
export { hsvToRgb, rgbToHsv } from './augment/hsv.ts';
export {
  affineEgoToImage,
  drawImageAffine,
  type ImageAffine,
  type ImageAffineRanges,
  warpImages,
} from './augment/image-affine.ts';
export {
  applyPhotometric,
  drawPhotometric,
  PHOTOMETRIC_RANGES,
  type PhotometricDraw,
  photometricDistortion,
} from './augment/photometric-distortion.ts';
export { checkBackboneFits } from './backbone/check-backbone-fits.ts';
export { FINETUNE_BACKBONES } from './backbone/finetune-backbones.ts';
export { type BackboneFile, readBackboneFile } from './backbone/read-backbone-file.ts';
export { type ResolveBackboneOptions, resolveBackbone } from './backbone/resolve-backbone.ts';
export type {
  BackboneKind,
  BackboneTensor,
  ResolvedBackbone,
  ZooSettings,
} from './backbone/resolved-backbone.ts';
export { formatTransferReport, type TransferReport, transferWeights } from './backbone/transfer-weights.ts';
export { BevBridge } from './bev/bev-bridge.ts';
export { bevBridgeGraph, lidarGridGraph } from './bev/bev-onnx.ts';
export { ConvBn, type ConvSpec, convBnReluSequence } from './bev/conv-bn.ts';
export {
  type EgoBevGrid,
  type GridBound,
  gridCells,
  type LidarCells,
  lidarCells,
  lidarGridSampler,
} from './bev/grid-transform.ts';
export {
  type FinetuneSplitOptions,
  type FinetuneSplits,
  openFinetuneSplits,
} from './data/finetune-splits.ts';
export { type KeyFrameSample, KeyFrameSamples } from './data/key-frame-samples.ts';
export { type LidarPose, lidarPose } from './data/lidar-pose.ts';
export { SampleMaps } from './data/sample-maps.ts';
export { Branches } from './detr/branches.ts';
export { type DetrGraph, detrGraph } from './detr/detr-onnx.ts';
export { Ffn } from './detr/ffn.ts';
export { focalCost, sigmoidFocalLoss } from './losses/focal.ts';
export { linearSumAssignment } from './matching/linear-sum-assignment.ts';
export {
  backboneOrigin,
  cameraPreprocessing,
  finiteMetrics,
  trainingSection,
  validationResults,
} from './run/card-sections.ts';
export {
  type CardContext,
  exportFinetuneRun,
  type HeadExport,
  type HeadExporter,
  type HeadExportFiles,
} from './run/export-run.ts';
export {
  type BackboneRecord,
  type BeginFinetuneRunOptions,
  beginFinetuneRun,
  evaluationDir,
  FINETUNE_RUN_FILES,
  type FinetuneRecord,
  type FinetuneTask,
  lastEvalRecord,
  readFinetuneRecord,
} from './run/finetune-run.ts';
export {
  type FinetuneEvalRecord,
  type FinetuneRunOptions,
  type FinetuneRunResult,
  type HeadRun,
  type HeadRunConfig,
  runFinetune,
} from './run/run-finetune.ts';
