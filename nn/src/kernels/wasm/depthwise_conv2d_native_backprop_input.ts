import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type DepthwiseConv2dNativeBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertFloat32, callWasmKernel, reshapeWasm } from './call_kernel.ts';

/**
 * dx is a stride-1 'valid' depthwise convolution, on the backend's own DepthwiseConv2dNative, of dy spread onto the
 * stride grid and padded by (effective filter size - 1 - forward padding), with the spatially flipped filter. Each
 * of the C·M dy channels is convolved with its own filter slice; the M multiplier channels are then summed into C.
 */
function depthwiseConv2dNativeBackpropInput(args: {
  inputs: DepthwiseConv2dNativeBackpropInputInputs;
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  assertFloat32(DepthwiseConv2dNativeBackpropInput, { dy, filter });
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const multiplier = outChannels / inChannels;
  const effH = info.effectiveFilterHeight;
  const effW = info.effectiveFilterWidth;
  const spreadH = inHeight + effH - 1;
  const spreadW = inWidth + effW - 1;
  const offsetH = effH - 1 - info.padInfo.top;
  const offsetW = effW - 1 - info.padInfo.left;

  const spread = backend.makeOutput([batchSize, spreadH, spreadW, outChannels], 'float32');
  const flipped = backend.makeOutput([filterHeight, filterWidth, outChannels, 1], 'float32');
  const spreadView = backend.typedArrayFromHeap(spread) as Float32Array;
  const dyView = backend.typedArrayFromHeap(dy) as Float32Array;
  spreadView.fill(0);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const a = oh * strideHeight + offsetH;
      if (a < 0 || a >= spreadH) continue;
      for (let ow = 0; ow < outWidth; ow++) {
        const b = ow * strideWidth + offsetW;
        if (b < 0 || b >= spreadW) continue;
        const src = ((n * outHeight + oh) * outWidth + ow) * outChannels;
        spreadView.set(
          dyView.subarray(src, src + outChannels),
          ((n * spreadH + a) * spreadW + b) * outChannels,
        );
      }
    }
  }
  const filterView = backend.typedArrayFromHeap(filter) as Float32Array;
  const flippedView = backend.typedArrayFromHeap(flipped) as Float32Array;
  const taps = filterHeight * filterWidth;
  for (let t = 0; t < taps; t++) {
    const src = (taps - 1 - t) * outChannels;
    flippedView.set(filterView.subarray(src, src + outChannels), t * outChannels);
  }

  const spreadDx = callWasmKernel(DepthwiseConv2dNativeForwardName, { x: spread, filter: flipped }, backend, {
    strides: 1,
    pad: 'valid',
    dilations: [dilationHeight, dilationWidth],
  });
  backend.disposeData(spread.dataId);
  backend.disposeData(flipped.dataId);
  if (multiplier === 1) return spreadDx;
  const split = reshapeWasm(spreadDx, [batchSize, inHeight, inWidth, inChannels, multiplier], backend);
  backend.disposeData(spreadDx.dataId);
  const dx = callWasmKernel('Sum', { x: split }, backend, { axis: [4], keepDims: false });
  backend.disposeData(split.dataId);
  return dx;
}

const DepthwiseConv2dNativeForwardName = 'DepthwiseConv2dNative';

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as KernelFunc,
};
