import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { callWasmKernel, reshapeWasm } from './call_kernel.ts';
import { getMaxScratchFloats } from './scratch.ts';
import { heapOffset, type SimdKernels, simdKernels } from './simd/simd_module.ts';

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
 * Input and patches both lie on the wasm heap (byte offsets `x` and `cols`), so runs move within it by our copy
 * kernel; a filter row lying wholly inside the input is one run of kW x C values when taps are adjacent (dilation
 * 1), and only the overhanging pieces are zeroed.
 */
function fillPatches(
  kernels: SimdKernels,
  heap: Float32Array,
  x: number,
  cols: number,
  g: PatchGeometry,
  row0: number,
  rows: number,
): void {
  const patch = patchSize(g);
  const perImage = g.outD * g.outH * g.outW;
  const tapRun = g.kW * g.inC;
  for (let r = 0; r < rows; r++) {
    const row = row0 + r;
    const n = Math.floor(row / perImage);
    const rest = row % perImage;
    const od = Math.floor(rest / (g.outH * g.outW));
    const oh = Math.floor((rest % (g.outH * g.outW)) / g.outW);
    const ow = rest % g.outW;
    const iw0 = ow * g.sW - g.left;
    const wholeRow = g.dW === 1 && iw0 >= 0 && iw0 + g.kW <= g.inW;
    // dst counts floats, for the zero fills on `heap`; copies take it in bytes
    let dst = cols / 4 + r * patch;
    for (let kd = 0; kd < g.kD; kd++) {
      const id = od * g.sD + kd * g.dD - g.front;
      if (id < 0 || id >= g.inD) {
        heap.fill(0, dst, dst + g.kH * tapRun);
        dst += g.kH * tapRun;
        continue;
      }
      for (let kh = 0; kh < g.kH; kh++) {
        const ih = oh * g.sH + kh * g.dH - g.top;
        if (ih < 0 || ih >= g.inH) {
          heap.fill(0, dst, dst + tapRun);
          dst += tapRun;
          continue;
        }
        const rowStart = ((n * g.inD + id) * g.inH + ih) * g.inW;
        if (wholeRow) {
          kernels.copyRuns(dst * 4, 0, x + (rowStart + iw0) * g.inC * 4, 0, tapRun * 4, 1);
          dst += tapRun;
          continue;
        }
        for (let kw = 0; kw < g.kW; kw++, dst += g.inC) {
          const iw = iw0 + kw * g.dW;
          if (iw < 0 || iw >= g.inW) heap.fill(0, dst, dst + g.inC);
          else kernels.copyRuns(dst * 4, 0, x + (rowStart + iw) * g.inC * 4, 0, g.inC * 4, 1);
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
    // The view is taken after the allocation: a heap growth detaches earlier views.
    const heap = new Float32Array((backend.typedArrayFromHeap(cols) as Float32Array).buffer);
    const kernels = simdKernels(backend);
    fillPatches(kernels, heap, heapOffset(x, backend), heapOffset(cols, backend), g, row0, rows);
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
 * Filter gradient dW [patch, CO] = patchesᵀ · dy, chunk by chunk, on the backend's BatchMatMul (ours for the
 * transposed operand: matmul_transposes.ts).
 */
export function filterGradientByPatches(
  x: TensorInfo,
  dy: TensorInfo,
  g: PatchGeometry,
  backend: BackendWasm,
): Float32Array {
  const dW = new Float32Array(patchSize(g) * g.outC);
  const dyRows = reshapeWasm(dy, [totalRows(g), g.outC], backend);
  forEachPatchChunk(x, g, backend, (cols, row0, rows) => {
    const dyChunk = callWasmKernel('Slice', { x: dyRows }, backend, {
      begin: [row0, 0],
      size: [rows, g.outC],
    });
    const product = callWasmKernel('BatchMatMul', { a: cols, b: dyChunk }, backend, {
      transposeA: true,
      transposeB: false,
    });
    const view = backend.typedArrayFromHeap(product) as Float32Array;
    for (let i = 0; i < dW.length; i++) dW[i] += view[i];
    for (const t of [product, dyChunk]) backend.disposeData(t.dataId);
  });
  backend.disposeData(dyRows.dataId);
  return dW;
}
