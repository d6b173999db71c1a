export { gelu, softplus } from './activations.ts';
export { BatchNorm } from './batch-norm.ts';
export { Conv2d, type Conv2dOptions } from './conv2d.ts';
export { Conv3d } from './conv3d.ts';
export { DepthwiseConv2d } from './depthwise-conv2d.ts';
export { dropout } from './dropout.ts';
export {
  applyFixedSampler,
  type FixedSampler,
  fixedGridSampler,
  type GridDims,
  gridSample,
} from './grid-sample.ts';
export { LayerNorm } from './layer-norm.ts';
export { Linear, type LinearOptions } from './linear.ts';
export { MultiHeadAttention } from './multi-head-attention.ts';
export { defaultBound, type Init, ParamScope, ParamStore, xavierUniform } from './params.ts';
export { sinePositionalEncoding } from './positional-encoding.ts';
export { SeededRandom } from './seeded-random.ts';
