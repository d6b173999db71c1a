import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { callWasmKernel, reshapeWasm } from './call_kernel.ts';
import { getMaxScratchFloats } from './scratch.ts';

/** Convolution geometry, channels last; a 2-D convolution is the depth-1 case. */
export interface PatchGeometry {
  batch: number;
  inD: number;
  inH: number;
  inW: number;
  inC: number;
  outD: number;
  outH: number;
  outW: number;
  outC: number;
  kD: number;
  kH: number;
  kW: number;
  sD: number;
  sH: number;
  sW: number;
  dD: number;
  dH: number;
  dW: number;
  front: number;
  top: number;
  left: number;
}

export function geometry2D(info: backend_util.Conv2DInfo): PatchGeometry {
  return {
    batch: info.batchSize,
    inD: 1,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outD: 1,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kD: 1,
    kH: info.filterHeight,
    kW: info.filterWidth,
    sD: 1,
    sH: info.strideHeight,
    sW: info.strideWidth,
    dD: 1,
    dH: info.dilationHeight,
    dW: info.dilationWidth,
    front: 0,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

export function geometry3D(info: backend_util.Conv3DInfo): PatchGeometry {
  return {
    batch: info.batchSize,
    inD: info.inDepth,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outD: info.outDepth,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kD: info.filterDepth,
    kH: info.filterHeight,
    kW: info.filterWidth,
    sD: info.strideDepth,
    sH: info.strideHeight,
    sW: info.strideWidth,
    dD: info.dilationDepth,
    dH: info.dilationHeight,
    dW: info.dilationWidth,
    front: info.padInfo.front,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

const patchSize = (g: PatchGeometry) => g.kD * g.kH * g.kW * g.inC;
const totalRows = (g: PatchGeometry) => g.batch * g.outD * g.outH * g.outW;

/**
 * Writes rows [row0, row0 + rows) of the patch matrix: one row per output position, holding the input values under
 * the filter in (kd, kh, kw, c) order (the filter's own layout) and zeros where the filter overhangs the padding.
 */
function fillPatches(
  x: Float32Array,
  cols: Float32Array,
  g: PatchGeometry,
  row0: number,
  rows: number,
): void {
  const patch = patchSize(g);
  const perImage = g.outD * g.outH * g.outW;
  cols.fill(0);
  for (let r = 0; r < rows; r++) {
    const row = row0 + r;
    const n = Math.floor(row / perImage);
    const rest = row % perImage;
    const od = Math.floor(rest / (g.outH * g.outW));
    const oh = Math.floor((rest % (g.outH * g.outW)) / g.outW);
    const ow = rest % g.outW;
    let dst = r * patch;
    for (let kd = 0; kd < g.kD; kd++) {
      const id = od * g.sD + kd * g.dD - g.front;
      if (id < 0 || id >= g.inD) {
        dst += g.kH * g.kW * g.inC;
        continue;
      }
      for (let kh = 0; kh < g.kH; kh++) {
        const ih = oh * g.sH + kh * g.dH - g.top;
        if (ih < 0 || ih >= g.inH) {
          dst += g.kW * g.inC;
          continue;
        }
        for (let kw = 0; kw < g.kW; kw++, dst += g.inC) {
          const iw = ow * g.sW + kw * g.dW - g.left;
          if (iw < 0 || iw >= g.inW) continue;
          // A plain loop: subarray() allocates a view per call, which dominates for the few channels of a stem.
          const src = (((n * g.inD + id) * g.inH + ih) * g.inW + iw) * g.inC;
          for (let c = 0; c < g.inC; c++) cols[dst + c] = x[src + c];
        }
      }
    }
  }
}

/** Runs `use` on successive chunks of the patch matrix, each under the scratch cap, as a wasm tensor. */
function forEachPatchChunk(
  x: TensorInfo,
  g: PatchGeometry,
  backend: BackendWasm,
  use: (cols: TensorInfo, row0: number, rows: number) => void,
): void {
  const patch = patchSize(g);
  const all = totalRows(g);
  const chunk = Math.max(1, Math.min(all, Math.floor(getMaxScratchFloats() / patch)));
  for (let row0 = 0; row0 < all; row0 += chunk) {
    const rows = Math.min(chunk, all - row0);
    const cols = backend.makeOutput([rows, patch], 'float32');
    // Views are taken after the allocation: a heap growth detaches earlier views.
    fillPatches(
      backend.typedArrayFromHeap(x) as Float32Array,
      backend.typedArrayFromHeap(cols) as Float32Array,
      g,
      row0,
      rows,
    );
    use(cols, row0, rows);
    backend.disposeData(cols.dataId);
  }
}

/** Forward convolution: y [rows, CO] = patches [rows, patch] · filter [patch, CO], on the backend's BatchMatMul. */
export function convolveByPatches(
  x: TensorInfo,
  filter: TensorInfo,
  g: PatchGeometry,
  backend: BackendWasm,
  outShape: number[],
): TensorInfo {
  const out = backend.makeOutput(outShape, 'float32');
  const weights = reshapeWasm(filter, [patchSize(g), g.outC], backend);
  forEachPatchChunk(x, g, backend, (cols, row0) => {
    const product = callWasmKernel('BatchMatMul', { a: cols, b: weights }, backend, {
      transposeA: false,
      transposeB: false,
    });
    (backend.typedArrayFromHeap(out) as Float32Array).set(
      backend.typedArrayFromHeap(product) as Float32Array,
      row0 * g.outC,
    );
    backend.disposeData(product.dataId);
  });
  backend.disposeData(weights.dataId);
  return out;
}

/**
 * Filter gradient dW [patch, CO] = patchesᵀ · dy, computed as dyᵀ · patches so neither matmul operand is transposed
 * (the backend's transposeA path is a slow loop, and dy [rows, CO] is cheaper to transpose than the patches).
 */
export function filterGradientByPatches(
  x: TensorInfo,
  dy: TensorInfo,
  g: PatchGeometry,
  backend: BackendWasm,
): Float32Array {
  const patch = patchSize(g);
  const dW = new Float32Array(patch * g.outC);
  const dyRows = reshapeWasm(dy, [totalRows(g), g.outC], backend);
  forEachPatchChunk(x, g, backend, (cols, row0, rows) => {
    const dyChunk = callWasmKernel('Slice', { x: dyRows }, backend, {
      begin: [row0, 0],
      size: [rows, g.outC],
    });
    const dyT = callWasmKernel('Transpose', { x: dyChunk }, backend, { perm: [1, 0] });
    const productT = callWasmKernel('BatchMatMul', { a: dyT, b: cols }, backend, {
      transposeA: false,
      transposeB: false,
    });
    const view = backend.typedArrayFromHeap(productT) as Float32Array;
    for (let o = 0; o < g.outC; o++) {
      for (let p = 0; p < patch; p++) dW[p * g.outC + o] += view[o * patch + p];
    }
    for (const t of [productT, dyT, dyChunk]) backend.disposeData(t.dataId);
  });
  backend.disposeData(dyRows.dataId);
  return dW;
}
