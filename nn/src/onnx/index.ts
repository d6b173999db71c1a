export { attr, type OnnxAttribute, type OnnxAttributes } from './attributes.ts';
export { checkModel, OnnxCheckError } from './checker.ts';
export type { OnnxDtype } from './dtypes.ts';
export {
  type Dim,
  IR_VERSION,
  OnnxGraphBuilder,
  type OnnxGraphOptions,
  type OnnxModelOptions,
  type OnnxValue,
  PRODUCER_NAME,
} from './graph-builder.ts';
export { type OnnxOpType, OP_SCHEMAS } from './op-schemas.ts';
