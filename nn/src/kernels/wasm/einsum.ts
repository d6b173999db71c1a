import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  Einsum,
  type EinsumAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertFloat32, callWasmKernel, reshapeWasm } from './call_kernel.ts';

/** A tensor we own (must dispose) with one subscript letter per axis. */
interface Labeled {
  info: TensorInfo;
  labels: string[];
}

function parseEquation(equation: string, operands: number): { inputs: string[][]; output: string[] } {
  const arrow = equation.split('->');
  if (arrow.length !== 2)
    throw new Error(`Einsum "${equation}": expected exactly one "->" (implicit output unsupported)`);
  const inputs = arrow[0].split(',').map((s) => s.trim().split(''));
  const output = arrow[1].trim().split('');
  if (inputs.length !== operands) {
    throw new Error(
      `Einsum "${equation}": names ${inputs.length} operands but ${operands} tensors were given`,
    );
  }
  for (const [i, labels] of [...inputs, output].entries()) {
    const where = i < inputs.length ? `operand ${i}` : 'the output';
    for (const label of labels) {
      if (!/^[a-zA-Z]$/.test(label))
        throw new Error(`Einsum "${equation}": "${label}" in ${where} is not a letter`);
    }
    if (new Set(labels).size !== labels.length) {
      throw new Error(`Einsum "${equation}": ${where} repeats a subscript (diagonals are unsupported)`);
    }
  }
  for (const label of output) {
    if (!inputs.some((labels) => labels.includes(label))) {
      throw new Error(`Einsum "${equation}": output subscript "${label}" appears in no operand`);
    }
  }
  return { inputs, output };
}

function transposeTo(x: Labeled, order: string[], backend: BackendWasm): Labeled {
  const perm = order.map((label) => x.labels.indexOf(label));
  const info = perm.every((p, i) => p === i)
    ? x.info
    : callWasmKernel('Transpose', { x: x.info }, backend, { perm });
  if (info !== x.info) backend.disposeData(x.info.dataId);
  return { info, labels: order };
}

/** Sums away the axes whose labels are not in `keep`. */
function sumAllBut(x: Labeled, keep: Set<string>, backend: BackendWasm): Labeled {
  const axis = x.labels.flatMap((label, i) => (keep.has(label) ? [] : [i]));
  if (axis.length === 0) return x;
  const info = callWasmKernel('Sum', { x: x.info }, backend, { axis, keepDims: false });
  backend.disposeData(x.info.dataId);
  return { info, labels: x.labels.filter((label) => keep.has(label)) };
}

/**
 * Contracts two operands into one whose labels are the ones `keep` still needs, as a single BatchMatMul:
 * A → [batch, left, contracted], B → [batch, contracted, right].
 */
function contractPair(a: Labeled, b: Labeled, keep: Set<string>, backend: BackendWasm): Labeled {
  const inA = new Set(a.labels);
  const inB = new Set(b.labels);
  a = sumAllBut(a, new Set([...inB, ...keep]), backend);
  b = sumAllBut(b, new Set([...inA, ...keep]), backend);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const contracted = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const left = a.labels.filter((l) => !inB.has(l));
  const right = b.labels.filter((l) => !inA.has(l));
  const size = (x: Labeled, labels: string[]) =>
    labels.reduce((n, l) => n * x.info.shape[x.labels.indexOf(l)], 1);
  const batchShape = batch.map((l) => a.info.shape[a.labels.indexOf(l)]);
  const outShape = [
    ...batchShape,
    ...left.map((l) => a.info.shape[a.labels.indexOf(l)]),
    ...right.map((l) => b.info.shape[b.labels.indexOf(l)]),
  ];
  const [nBatch, nLeft, nRight, nInner] = [
    size(a, batch),
    size(a, left),
    size(b, right),
    size(a, contracted),
  ];
  a = transposeTo(a, [...batch, ...left, ...contracted], backend);
  b = transposeTo(b, [...batch, ...contracted, ...right], backend);
  const a3 = reshapeWasm(a.info, [nBatch, nLeft, nInner], backend);
  const b3 = reshapeWasm(b.info, [nBatch, nInner, nRight], backend);
  backend.disposeData(a.info.dataId);
  backend.disposeData(b.info.dataId);
  const product = callWasmKernel('BatchMatMul', { a: a3, b: b3 }, backend, {
    transposeA: false,
    transposeB: false,
  });
  backend.disposeData(a3.dataId);
  backend.disposeData(b3.dataId);
  const info = reshapeWasm(product, outShape, backend);
  backend.disposeData(product.dataId);
  return { info, labels: [...batch, ...left, ...right] };
}

/**
 * Einsum with explicit output, any number of operands, no repeated subscripts within an operand. Operands are
 * folded left to right; each pair becomes one BatchMatMul on the backend (after summing away axes nothing later
 * needs), rather than a broadcast multiply that would materialise the full outer product.
 */
function einsum(args: { inputs: TensorInfo[]; backend: BackendWasm; attrs: EinsumAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const tensors = Object.values(inputs) as TensorInfo[];
  const { inputs: subscripts, output } = parseEquation(attrs.equation, tensors.length);
  const sizes = new Map<string, number>();
  tensors.forEach((t, i) => {
    assertFloat32(Einsum, { [`operand ${i}`]: t });
    if (t.shape.length !== subscripts[i].length) {
      throw new Error(
        `Einsum "${attrs.equation}": operand ${i} has rank ${t.shape.length}, subscripts "${subscripts[i].join('')}"`,
      );
    }
    subscripts[i].forEach((label, axis) => {
      const known = sizes.get(label);
      if (known !== undefined && known !== t.shape[axis]) {
        throw new Error(
          `Einsum "${attrs.equation}": subscript "${label}" is ${known} in one operand, ${t.shape[axis]} in operand ${i}`,
        );
      }
      sizes.set(label, t.shape[axis]);
    });
  });

  // Reshaping to the same shape gives an owned handle on each input, so every intermediate is disposed alike.
  let acc: Labeled = { info: reshapeWasm(tensors[0], tensors[0].shape, backend), labels: subscripts[0] };
  for (let i = 1; i < tensors.length; i++) {
    const next: Labeled = { info: reshapeWasm(tensors[i], tensors[i].shape, backend), labels: subscripts[i] };
    const keep = new Set([...output, ...subscripts.slice(i + 1).flat()]);
    acc = contractPair(acc, next, keep, backend);
  }
  acc = sumAllBut(acc, new Set(output), backend);
  return transposeTo(acc, output, backend).info;
}

export const einsumConfig: KernelConfig = {
  kernelName: Einsum,
  backendName: 'wasm',
  kernelFunc: einsum as unknown as KernelFunc,
};
