export * from './config/index.ts';
export {
  type CameraInputSize,
  type LoadedCameraFrame,
  loadCameraFrame,
  loadKeyFrame,
  openPretrainDataset,
  type PretrainDataset,
  type PretrainScenes,
} from './data/nuscenes-samples.ts';
export { resizeIntoCanvas } from './data/resize.ts';
export { SampleCache } from './data/sample-cache.ts';
export {
  openPretrainTrainSet,
  type PretrainSplit,
  type PretrainTrainSetOptions,
  pretrainTrainSetCall,
  splitPretrainDataset,
} from './data/split.ts';
export { BATCH_DIM, backboneContract, backboneOnnx, type TensorContract } from './export/backbone-onnx.ts';
export { BACKBONE_WEIGHTS_FORMAT, EXPORT_FILES, exportRun } from './export/export-run.ts';
export { imageEncoderGraph } from './export/image-encoder-graph.ts';
export { liftingGraph } from './export/lifting-graph.ts';
export { type OnnxLayers, onnxLayers } from './export/onnx-layers.ts';
export { BACKBONE_MODULES, Mim4dBackbone } from './model/backbone.ts';
export { PatchMask } from './model/masking.ts';
export { BACKBONE_PREFIX, type LossTerms, lossTermNames, Mim4dModel, totalLoss } from './model/mim4d.ts';
export type { CameraView, FrameInput, Mim4dSample } from './model/sample.ts';
export {
  type CheckpointFormat,
  type CheckpointMeta,
  hasCheckpoint,
  loadCheckpoint,
} from './train/checkpoint.ts';
export type { EvalRecord } from './train/evaluate.ts';
export type { LossRecord } from './train/loss-log.ts';
export { callModule, type ModuleCall } from './train/module-call.ts';
export type { StepParallelism } from './train/step-gradients.ts';
export {
  type PretrainOptions,
  type PretrainResult,
  pretrain,
  RUN_FILES,
  type SampleSource,
} from './train/trainer.ts';
export {
  LOOP_FILES,
  readLossRecords,
  refuseFinishedRun,
  type StepLossRecord,
  type TrainingLoopOptions,
  type TrainingLoopResult,
  trainingLoop,
} from './train/training-loop.ts';
export type { TrainingTask } from './train/training-task.ts';
