export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './kernels/wasm/register.ts';
export * from './layers/index.ts';
export {
  attr,
  checkModel,
  type Dim,
  IR_VERSION,
  type OnnxAttribute,
  type OnnxAttributes,
  OnnxCheckError,
  type OnnxDtype,
  OnnxGraphBuilder,
  type OnnxGraphOptions,
  type OnnxModelOptions,
  type OnnxOpType,
  type OnnxValue,
  OP_SCHEMAS,
  PRODUCER_NAME,
} from './onnx/index.ts';
export {
  type BackendChoice,
  type BackendInfo,
  type BackendPreference,
  type InitBackendOptions,
  initBackend,
  parseBackendPreference,
} from './runtime/init-backend.ts';
export { measureMatMulPeak, type Timing, timeMedian } from './runtime/matmul-peak.ts';
export { tf } from './runtime/tfjs.ts';
export { missingTrainingKernels, TRAINING_KERNELS } from './runtime/training-kernels.ts';
export {
  METADATA_KEY,
  READABLE_DTYPES,
  type ReadableDtype,
  readSafetensors,
  type SafetensorsContents,
  type SafetensorsInput,
  type SafetensorsTensor,
  writeSafetensors,
} from './safetensors/index.ts';
