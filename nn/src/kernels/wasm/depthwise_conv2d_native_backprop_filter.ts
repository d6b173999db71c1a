import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertFloat32 } from './call_kernel.ts';
import { heapOffset, simdKernels } from './simd/simd_module.ts';

/**
 * dW[kh, kw, c, m] = Σ over n, oh, ow of x[n, oh·sh + kh·dh − top, ow·sw + kw·dw − left, c] · dy[n, oh, ow, c·M + m].
 * Per channel this is a dot product, not a matmul, so it runs as one pass of our SIMD kernel per filter tap, with
 * the output-row range clipped to the input once per tap rather than tested per element; products and sums in
 * double precision, rounded once.
 */
function depthwiseConv2dNativeBackpropFilter(args: {
  inputs: DepthwiseConv2dNativeBackpropFilterInputs;
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  assertFloat32(DepthwiseConv2dNativeBackpropFilter, { x, dy });
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const out = backend.makeOutput(attrs.filterShape, 'float32');
  // Scratch for one tap's double-precision sums: two float32 slots per channel.
  const acc = backend.makeOutput([2 * outChannels], 'float32');
  const kernels = simdKernels(backend);
  const at = (info: TensorInfo) => heapOffset(info, backend);
  for (let kh = 0; kh < filterHeight; kh++) {
    const rowShift = kh * dilationHeight - top;
    const ohMin = Math.max(0, Math.ceil(-rowShift / strideHeight));
    const ohEnd = Math.min(outHeight, Math.ceil((inHeight - rowShift) / strideHeight));
    for (let kw = 0; kw < filterWidth; kw++) {
      const colShift = kw * dilationWidth - left;
      const owMin = Math.max(0, Math.ceil(-colShift / strideWidth));
      const owEnd = Math.min(outWidth, Math.ceil((inWidth - colShift) / strideWidth));
      kernels.depthwiseFilterTap(
        at(x),
        at(dy),
        at(acc),
        at(out) + (kh * filterWidth + kw) * outChannels * 4,
        batchSize,
        inHeight,
        inWidth,
        inChannels,
        outHeight,
        outWidth,
        multiplier,
        ohMin,
        ohEnd,
        owMin,
        owEnd,
        strideHeight,
        strideWidth,
        rowShift,
        colShift,
      );
    }
  }
  backend.disposeData(acc.dataId);
  return out;
}

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as KernelFunc,
};
