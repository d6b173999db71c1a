import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Conv3DBackpropInputV2,
  type Conv3DBackpropInputV2Attrs,
  type Conv3DBackpropInputV2Inputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertFloat32 } from './call_kernel.ts';
import { convolveByPatches, type PatchGeometry } from './im2col.ts';

/**
 * dx as a stride-1 'valid' convolution (im2col + BatchMatMul) of dy spread onto the stride grid and padded by
 * (filter size − 1 − forward padding), with the filter flipped in space and its channel axes swapped.
 * tfjs-backend-wasm 4.22's own Conv3DBackpropInputV2 is wrong: it fails ⟨conv(x), dy⟩ = ⟨x, dx⟩ (our tests check
 * that identity), so this one replaces it.
 */
function conv3DBackpropInputV2(args: {
  inputs: Conv3DBackpropInputV2Inputs;
  backend: BackendWasm;
  attrs: Conv3DBackpropInputV2Attrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  assertFloat32(Conv3DBackpropInputV2, { dy, filter });
  const info = backend_util.computeConv3DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
  );
  const {
    batchSize: n,
    inDepth,
    inHeight,
    inWidth,
    inChannels: ci,
    outDepth,
    outHeight,
    outWidth,
    outChannels: co,
  } = info;
  const { filterDepth: kd, filterHeight: kh, filterWidth: kw } = info;
  const [sd, sh, sw] = [kd - 1 + inDepth, kh - 1 + inHeight, kw - 1 + inWidth];
  const [od, oh, ow] = [kd - 1 - info.padInfo.front, kh - 1 - info.padInfo.top, kw - 1 - info.padInfo.left];

  const spread = backend.makeOutput([n, sd, sh, sw, co], 'float32');
  const flipped = backend.makeOutput([kd, kh, kw, co, ci], 'float32');
  const spreadView = backend.typedArrayFromHeap(spread) as Float32Array;
  const dyView = backend.typedArrayFromHeap(dy) as Float32Array;
  spreadView.fill(0);
  for (let b = 0; b < n; b++) {
    for (let d = 0; d < outDepth; d++) {
      const a = d * info.strideDepth + od;
      if (a < 0 || a >= sd) continue;
      for (let h = 0; h < outHeight; h++) {
        const r = h * info.strideHeight + oh;
        if (r < 0 || r >= sh) continue;
        for (let w = 0; w < outWidth; w++) {
          const c = w * info.strideWidth + ow;
          if (c < 0 || c >= sw) continue;
          const src = (((b * outDepth + d) * outHeight + h) * outWidth + w) * co;
          const dst = (((b * sd + a) * sh + r) * sw + c) * co;
          for (let k = 0; k < co; k++) spreadView[dst + k] = dyView[src + k];
        }
      }
    }
  }
  const filterView = backend.typedArrayFromHeap(filter) as Float32Array;
  const flippedView = backend.typedArrayFromHeap(flipped) as Float32Array;
  const taps = kd * kh * kw;
  for (let t = 0; t < taps; t++) {
    const src = (taps - 1 - t) * ci * co;
    for (let i = 0; i < ci; i++) {
      for (let o = 0; o < co; o++) flippedView[t * co * ci + o * ci + i] = filterView[src + i * co + o];
    }
  }
  const geometry: PatchGeometry = {
    batch: n,
    inD: sd,
    inH: sh,
    inW: sw,
    inC: co,
    outD: inDepth,
    outH: inHeight,
    outW: inWidth,
    outC: ci,
    kD: kd,
    kH: kh,
    kW: kw,
    sD: 1,
    sH: 1,
    sW: 1,
    dD: 1,
    dH: 1,
    dW: 1,
    front: 0,
    top: 0,
    left: 0,
  };
  const dx = convolveByPatches(spread, flipped, geometry, backend, attrs.inputShape);
  backend.disposeData(spread.dataId);
  backend.disposeData(flipped.dataId);
  return dx;
}

export const conv3DBackpropInputV2Config: KernelConfig = {
  kernelName: Conv3DBackpropInputV2,
  backendName: 'wasm',
  kernelFunc: conv3DBackpropInputV2 as unknown as KernelFunc,
};
