import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Conv3DBackpropFilterV2,
  type Conv3DBackpropFilterV2Attrs,
  type Conv3DBackpropFilterV2Inputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertFloat32 } from './call_kernel.ts';
import { filterGradientByPatches, geometry3D } from './im2col.ts';

/** dW = im2col(x)ᵀ · dy; replaces tfjs-backend-wasm's scalar-loop version, as Conv3D does. */
function conv3DBackpropFilterV2(args: {
  inputs: Conv3DBackpropFilterV2Inputs;
  backend: BackendWasm;
  attrs: Conv3DBackpropFilterV2Attrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  assertFloat32(Conv3DBackpropFilterV2, { x, dy });
  const info = backend_util.computeConv3DInfo(
    x.shape as [number, number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
  );
  const dW = filterGradientByPatches(x, dy, geometry3D(info), backend);
  return backend.makeOutput(attrs.filterShape, 'float32', undefined, dW);
}

export const conv3DBackpropFilterV2Config: KernelConfig = {
  kernelName: Conv3DBackpropFilterV2,
  backendName: 'wasm',
  kernelFunc: conv3DBackpropFilterV2 as unknown as KernelFunc,
};
