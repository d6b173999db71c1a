import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Conv3D,
  type Conv3DAttrs,
  type Conv3DInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertFloat32 } from './call_kernel.ts';
import { convolveByPatches, geometry3D } from './im2col.ts';

/**
 * Conv3D as im2col + BatchMatMul. tfjs-backend-wasm has a Conv3D, but as a scalar loop no faster than the pure-JS
 * backend; this one replaces it (the volume head's 3x3x3 convs).
 */
function conv3D(args: { inputs: Conv3DInputs; backend: BackendWasm; attrs: Conv3DAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  assertFloat32(Conv3D, { x, filter });
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NDHWC') {
    throw new Error(`Conv3D on wasm supports NDHWC only, got ${attrs.dataFormat}`);
  }
  const info = backend_util.computeConv3DInfo(
    x.shape as [number, number, number, number, number],
    filter.shape as [number, number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
  );
  return convolveByPatches(x, filter, geometry3D(info), backend, info.outShape);
}

export const conv3DConfig: KernelConfig = {
  kernelName: Conv3D,
  backendName: 'wasm',
  kernelFunc: conv3D as unknown as KernelFunc,
};
