import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { registerBiasAdd } from './bias_add.ts';
import { conv2DBackpropFilterConfig } from './conv2d_backprop_filter.ts';
import { registerConv2DBackpropInput } from './conv2d_backprop_input.ts';
import { conv3DConfig } from './conv3d.ts';
import { conv3DBackpropFilterV2Config } from './conv3d_backprop_filter_v2.ts';
import { conv3DBackpropInputV2Config } from './conv3d_backprop_input_v2.ts';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise_conv2d_native_backprop_filter.ts';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise_conv2d_native_backprop_input.ts';
import { einsumConfig } from './einsum.ts';
import { registerRowGather } from './gather_v2.ts';
import { castConfig, identityConfig } from './identity.ts';
import { untransposeMatMul } from './matmul_transposes.ts';
import { guardMatMulWeightCache } from './matmul_weight_cache_guard.ts';
import { registerHeapSlicing } from './slice.ts';
import { registerSoftplus } from './softplus.ts';
import { registerLeadingSum } from './sum_leading.ts';
import { registerTiledTranspose } from './transpose.ts';
import { unsortedSegmentSumConfig } from './unsorted_segment_sum.ts';
import { weightedGatherConfigs } from './weighted_gather.ts';

/**
 * The training kernels tfjs-backend-wasm 4.22 lacks, in the order a conv net's backward pass meets them, and our
 * fused weighted gathers (grid sampling's interpolation, runtime/weighted-gather.ts).
 */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
  einsumConfig,
  ...weightedGatherConfigs,
];

/**
 * Kernels tfjs-backend-wasm has only as scalar loops no faster than the pure-JS backend (Conv3D and its filter
 * gradient), gets wrong (Conv3DBackpropInputV2) or runs as copies where a shared buffer does (Identity, Cast);
 * ours replace them.
 */
export const WASM_KERNEL_REPLACEMENTS: readonly KernelConfig[] = [
  identityConfig,
  castConfig,
  conv3DConfig,
  conv3DBackpropFilterV2Config,
  conv3DBackpropInputV2Config,
];

/**
 * Registers ours for each kernel wasm does not already have (a later tfjs that adds one keeps its own) and
 * replaces the slow ones: slicing and concatenation copy on the heap views; sums over leading axes, bias additions,
 * softplus and convolution input gradients take our SIMD kernels; last-two-axes transposes are tiled copies;
 * GatherV2 keeps the backend's for what row copies do not cover. It also guards wasm matmul against its
 * weight-cache aliasing bug and keeps its transposed products on the fast path; idempotent.
 */
export function registerWasmTrainingKernels(): void {
  guardMatMulWeightCache();
  untransposeMatMul();
  for (const config of WASM_TRAINING_KERNELS) {
    if (getKernel(config.kernelName, 'wasm') === undefined) registerKernel(config);
  }
  for (const config of WASM_KERNEL_REPLACEMENTS) {
    const existing = getKernel(config.kernelName, 'wasm');
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (existing !== undefined) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
  registerRowGather();
  registerHeapSlicing();
  registerLeadingSum();
  registerBiasAdd();
  registerSoftplus();
  registerConv2DBackpropInput();
  registerTiledTranspose();
}
