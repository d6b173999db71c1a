import { readFileSync } from 'node:fs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The exports of kernels.wat. Pointers are byte offsets into the backend's heap (`heapOffset`), shapes in elements;
 * each function's comment in kernels.wat says what it computes.
 */
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

let compiled: object | null = null;
/** Per heap: each thread's backend has its own memory object. */
const instances = new WeakMap<object, SimdKernels>();

/**
 * Assembles kernels.wat (about 50 ms, once per thread). The wasm backend's start awaits it, so kernels can then
 * instantiate it synchronously on first use. The text is assembled at start rather than shipped as a binary so
 * that the source is the only thing to review and nothing generated can fall out of date.
 */
export async function assembleSimdKernels(): Promise<void> {
  if (compiled !== null) return;
  // Imported here, not at the top: the assembler (0.7 MB of JavaScript) is needed only when a wasm backend starts.
  const { default: wabtInit } = await import('wabt');
  const wabt = await wabtInit();
  const source = readFileSync(new URL('./kernels.wat', import.meta.url), 'utf8');
  const parsed = wabt.parseWat('kernels.wat', source, { simd: true, bulk_memory: true });
  try {
    parsed.validate();
    compiled = new Module(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
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
    kernels = new Instance(compiled, { tfjs: { memory } }).exports as unknown as SimdKernels;
    // The module has no memory of its own: its constant tables live on the heap, for as long as the backend.
    kernels.initTables((backend.wasm as unknown as { _malloc(bytes: number): number })._malloc(256));
    instances.set(memory, kernels);
  }
  return kernels;
}

/** Where `info`'s values start in the backend's heap, in bytes. */
export function heapOffset(info: TensorInfo, backend: BackendWasm): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset;
}
