export { cardFileProblems, onnxIoMismatches } from './card/card-files.ts';
export type {
  CardArtifact,
  CardImagePreprocessing,
  CardPreprocessing,
  CardProvenance,
  CardResult,
  CardSensors,
  CardTraining,
  ModelCard,
} from './card/model-card.ts';
export { CARD_VERSION } from './card/model-card.ts';
export { modelCardSchema } from './card/schema.ts';
export { type CardError, type CardValidation, validateCard } from './card/validate-card.ts';
export * from './client/index.ts';
export { isModelNamePart, isSafeRepoPath, isTagName } from './names.ts';
export { type DeclaredIo, matchIo } from './onnx/match-io.ts';
export { OnnxFormatError, readOnnxIo } from './onnx/read-io.ts';
export { type Dim, ONNX_DTYPES, type OnnxDtype, type OnnxIo, type TensorSpec } from './onnx/tensor-spec.ts';
export * from './wire/index.ts';
