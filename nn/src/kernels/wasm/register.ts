import { getKernel, type KernelConfig, registerKernel } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './conv2d_backprop_filter.ts';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise_conv2d_native_backprop_filter.ts';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise_conv2d_native_backprop_input.ts';
import { einsumConfig } from './einsum.ts';
import { guardMatMulWeightCache } from './matmul_weight_cache_guard.ts';
import { unsortedSegmentSumConfig } from './unsorted_segment_sum.ts';

/** The training kernels tfjs-backend-wasm 4.22 lacks, in the order a conv net's backward pass meets them. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
  einsumConfig,
];

/**
 * Registers ours for each kernel wasm does not already have (a later tfjs that adds one keeps its own) and guards
 * wasm matmul against its weight-cache aliasing bug; idempotent.
 */
export function registerWasmTrainingKernels(): void {
  guardMatMulWeightCache();
  for (const config of WASM_TRAINING_KERNELS) {
    if (getKernel(config.kernelName, 'wasm') === undefined) registerKernel(config);
  }
}
