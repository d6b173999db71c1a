import { readFileSync } from 'node:fs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Our float32 kernels in WebAssembly SIMD, one module per family (the .wat files beside this one), run on
 * tfjs-backend-wasm's own heap: each imports the backend's memory, so it reads and writes tensors in place. Every sum
 * adds in the order of the kernel it replaces (f32x4 lanes are four independent such sums), so results are the same
 * bit for bit. Pointers, strides and runs are byte offsets and counts into the heap (`heapOffset`), shapes are in
 * elements; each function's comment in its .wat file says what it computes.
 */
const SOURCES = ['copies.wat', 'weighted_gather.wat', 'linear.wat', 'softplus.wat', 'convolution.wat'];

/** The exports of the modules, together. */
export interface SimdKernels {
  firstOutside(ids: number, count: number, rows: number): number;
  weightedGather(
    table: number,
    ids: number,
    weights: number,
    out: number,
    k: number,
    n: number,
    cols: number,
  ): void;
  weightedScatter(
    rows: number,
    ids: number,
    weights: number,
    out: number,
    k: number,
    n: number,
    cols: number,
    tableRows: number,
  ): void;
  weightedRowDot(
    table: number,
    ids: number,
    rows: number,
    out: number,
    k: number,
    n: number,
    cols: number,
  ): void;
  matmulTransposedA(a: number, b: number, out: number, rows: number, m: number, n: number): void;
  sumRows(src: number, dst: number, rows: number, inner: number): void;
  addRowVector(a: number, b: number, out: number, rows: number, inner: number): void;
  softplus(x: number, out: number, count: number): void;
  conv2dBackpropInput(
    dy: number,
    filter: number,
    out: number,
    batch: number,
    inH: number,
    inW: number,
    inC: number,
    outH: number,
    outW: number,
    outC: number,
    fh: number,
    fw: number,
    sH: number,
    sW: number,
    padTop: number,
    padLeft: number,
  ): void;
  initTables(at: number): void;
  copyRuns(dst: number, dstStride: number, src: number, srcStride: number, run: number, count: number): void;
  copyRows(dst: number, src: number, ids: number, count: number, run: number): void;
  depthwiseFilterTap(
    x: number,
    dy: number,
    acc: number,
    out: number,
    batch: number,
    inH: number,
    inW: number,
    inC: number,
    outH: number,
    outW: number,
    mult: number,
    ohMin: number,
    ohEnd: number,
    owMin: number,
    owEnd: number,
    sH: number,
    sW: number,
    rowShift: number,
    colShift: number,
  ): void;
  segmentSum(
    x: number,
    ids: number,
    out: number,
    count: number,
    inner: number,
    segments: number,
    integers: number,
  ): void;
}

/** The part of the WebAssembly JS API used here: the project's TypeScript libraries have no DOM types. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, object>>) => { exports: unknown };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let compiled: object[] | null = null;
/** Per heap: each thread's backend has its own memory object. */
const instances = new WeakMap<object, SimdKernels>();

/**
 * Assembles the modules (about 0.2 s of CPU with wabt's import, once per thread). The wasm backend's start awaits
 * it, so kernels can then instantiate them synchronously on first use. The text is assembled at start rather than
 * shipped as binaries so that the source is the only thing to review and nothing generated can fall out of date.
 */
export async function assembleSimdKernels(): Promise<void> {
  if (compiled !== null) return;
  // Imported here, not at the top: the assembler (0.7 MB of JavaScript) is needed only when a wasm backend starts.
  const { default: wabtInit } = await import('wabt');
  const wabt = await wabtInit();
  compiled = SOURCES.map((file) => {
    const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    const parsed = wabt.parseWat(file, source, { simd: true, bulk_memory: true });
    try {
      parsed.validate();
      return new Module(parsed.toBinary({}).buffer);
    } finally {
      parsed.destroy();
    }
  });
}

/** The kernels bound to `backend`'s heap: they read and write its tensors in place. */
export function simdKernels(backend: BackendWasm): SimdKernels {
  if (compiled === null) {
    throw new Error(
      'the SIMD kernels are not assembled: start the wasm backend with initBackend (it awaits assembleSimdKernels)',
    );
  }
  const memory = (backend.wasm as unknown as { asm: { memory: object } }).asm.memory;
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    const exports = compiled.map((module) => new Instance(module, { tfjs: { memory } }).exports);
    kernels = Object.assign({}, ...exports) as SimdKernels;
    // The modules have no memory of their own: softplus's constant table lives on the heap, for as long as the
    // backend.
    kernels.initTables((backend.wasm as unknown as { _malloc(bytes: number): number })._malloc(256));
    instances.set(memory, kernels);
  }
  return kernels;
}

/** Where `info`'s values start in the backend's heap, in bytes. */
export function heapOffset(info: TensorInfo, backend: BackendWasm): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset;
}
