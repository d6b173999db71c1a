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

/**
 * dW[kh, kw, c, m] = Σ over n, oh, ow of x[n, oh·sh + kh·dh − top, ow·sw + kw·dw − left, c] · dy[n, oh, ow, c·M + m].
 * Per channel this is a dot product, not a matmul, so it runs as one pass over typed arrays per filter tap, with
 * the output-row range clipped to the input once per tap rather than tested per element.
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
  const xView = backend.typedArrayFromHeap(x) as Float32Array;
  const dyView = backend.typedArrayFromHeap(dy) as Float32Array;
  const dW = new Float32Array(filterHeight * filterWidth * outChannels);
  const acc = new Float64Array(outChannels);

  for (let kh = 0; kh < filterHeight; kh++) {
    const rowShift = kh * dilationHeight - top;
    const ohMin = Math.max(0, Math.ceil(-rowShift / strideHeight));
    const ohEnd = Math.min(outHeight, Math.ceil((inHeight - rowShift) / strideHeight));
    for (let kw = 0; kw < filterWidth; kw++) {
      const colShift = kw * dilationWidth - left;
      const owMin = Math.max(0, Math.ceil(-colShift / strideWidth));
      const owEnd = Math.min(outWidth, Math.ceil((inWidth - colShift) / strideWidth));
      acc.fill(0);
      for (let n = 0; n < batchSize; n++) {
        for (let oh = ohMin; oh < ohEnd; oh++) {
          const ih = oh * strideHeight + rowShift;
          for (let ow = owMin; ow < owEnd; ow++) {
            const iw = ow * strideWidth + colShift;
            const xBase = ((n * inHeight + ih) * inWidth + iw) * inChannels;
            const dyBase = ((n * outHeight + oh) * outWidth + ow) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < inChannels; c++) acc[c] += xView[xBase + c] * dyView[dyBase + c];
            } else {
              for (let c = 0, o = 0; c < inChannels; c++) {
                const xv = xView[xBase + c];
                for (let m = 0; m < multiplier; m++, o++) acc[o] += xv * dyView[dyBase + o];
              }
            }
          }
        }
      }
      dW.set(acc, (kh * filterWidth + kw) * outChannels);
    }
  }
  return backend.makeOutput(attrs.filterShape, 'float32', undefined, dW);
}

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as KernelFunc,
};
