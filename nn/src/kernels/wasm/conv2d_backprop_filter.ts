import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertFloat32, callWasmKernel, reshapeWasm } from './call_kernel.ts';
import { getMaxScratchFloats } from './scratch.ts';

/**
 * dW = im2col(x)ᵀ · dy: the patch matrix [rows = N·OH·OW, KH·KW·CI] against dy [rows, CO], on the backend's
 * BatchMatMul. Rows go in chunks so the patch matrix stays under the scratch cap.
 */
function conv2DBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  assertFloat32(Conv2DBackpropFilter, { x, dy });
  if (attrs.dataFormat === 'NCHW') {
    throw new Error('Conv2DBackpropFilter on wasm supports NHWC only (as does the wasm Conv2D)');
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const patch = filterHeight * filterWidth * inChannels;
  const rowsPerImage = outHeight * outWidth;
  const totalRows = batchSize * rowsPerImage;
  const chunkRows = Math.max(1, Math.min(totalRows, Math.floor(getMaxScratchFloats() / patch)));

  const dW = new Float32Array(patch * outChannels);
  for (let row0 = 0; row0 < totalRows; row0 += chunkRows) {
    const rows = Math.min(chunkRows, totalRows - row0);
    const cols = backend.makeOutput([rows, patch], 'float32');
    const dyChunk = rows === totalRows ? null : backend.makeOutput([rows, outChannels], 'float32');
    // Views are taken after every allocation: a heap growth detaches earlier views.
    const colsView = backend.typedArrayFromHeap(cols) as Float32Array;
    const xView = backend.typedArrayFromHeap(x) as Float32Array;
    if (dyChunk !== null) {
      const dyView = backend.typedArrayFromHeap(dy) as Float32Array;
      (backend.typedArrayFromHeap(dyChunk) as Float32Array).set(
        dyView.subarray(row0 * outChannels, (row0 + rows) * outChannels),
      );
    }
    colsView.fill(0);
    for (let r = 0; r < rows; r++) {
      const row = row0 + r;
      const n = Math.floor(row / rowsPerImage);
      const oh = Math.floor((row % rowsPerImage) / outWidth);
      const ow = row % outWidth;
      const xImage = n * inHeight * inWidth * inChannels;
      let dst = r * patch;
      for (let kh = 0; kh < filterHeight; kh++) {
        const ih = oh * strideHeight + kh - top;
        if (ih < 0 || ih >= inHeight) {
          dst += filterWidth * inChannels;
          continue;
        }
        for (let kw = 0; kw < filterWidth; kw++, dst += inChannels) {
          const iw = ow * strideWidth + kw - left;
          if (iw < 0 || iw >= inWidth) continue;
          // A plain loop: subarray() allocates a view per call, which dominates for the few channels of a stem.
          const src = xImage + (ih * inWidth + iw) * inChannels;
          for (let c = 0; c < inChannels; c++) colsView[dst + c] = xView[src + c];
        }
      }
    }
    const dyRows = dyChunk ?? reshapeWasm(dy, [totalRows, outChannels], backend);
    // dWᵀ = dyᵀ · cols keeps both matmul operands untransposed: the backend's transposeA path is a slow loop, and
    // dy [rows, CO] is cheaper to transpose than the patch matrix [rows, KH·KW·CI].
    const dyT = callWasmKernel('Transpose', { x: dyRows }, backend, { perm: [1, 0] });
    const productT = callWasmKernel('BatchMatMul', { a: dyT, b: cols }, backend, {
      transposeA: false,
      transposeB: false,
    });
    const productView = backend.typedArrayFromHeap(productT) as Float32Array;
    for (let o = 0; o < outChannels; o++) {
      for (let p = 0; p < patch; p++) dW[p * outChannels + o] += productView[o * patch + p];
    }
    backend.disposeData(productT.dataId);
    backend.disposeData(dyT.dataId);
    backend.disposeData(dyRows.dataId);
    backend.disposeData(cols.dataId);
  }
  return backend.makeOutput([filterHeight, filterWidth, inChannels, outChannels], 'float32', undefined, dW);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
