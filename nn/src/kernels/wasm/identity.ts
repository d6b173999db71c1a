import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  Cast,
  type CastAttrs,
  type CastInputs,
  type DataType,
  Identity,
  type IdentityInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * Identity, and Cast to the dtype a tensor already has, share the input's buffer (one more reference), as the cpu
 * backend's do. tfjs-backend-wasm copies instead, and the engine clones every input a gradient will need while the
 * tape records: some 6,600 copies of up to 147k x 16 floats in one MIM4D step, and twice the activation memory.
 * Sharing is safe because no kernel writes into its inputs (a variable's assign swaps its buffer, it never writes
 * into it); where a fresh buffer is needed, `copyWasm` makes one.
 */
function share(x: TensorInfo, backend: BackendWasm): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * A copy of `x` in a buffer of its own, converted to `dtype`: to int32 by truncation (a typed-array assignment), to
 * bool as x != 0.
 */
export function copyWasm(x: TensorInfo, backend: BackendWasm, dtype: DataType = x.dtype): TensorInfo {
  const out = backend.makeOutput(x.shape, dtype);
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  if (dtype === 'bool' && x.dtype !== 'bool') {
    for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
  } else {
    to.set(from);
  }
  return out;
}

function identity(args: { inputs: IdentityInputs; backend: BackendWasm }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') throw new Error('Identity on wasm: string tensors are not supported');
  return share(x, args.backend);
}

function cast(args: { inputs: CastInputs; backend: BackendWasm; attrs: CastAttrs }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  const { dtype } = args.attrs;
  return dtype === x.dtype ? share(x, args.backend) : copyWasm(x, args.backend, dtype);
}

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};

export const castConfig: KernelConfig = {
  kernelName: Cast,
  backendName: 'wasm',
  kernelFunc: cast as unknown as KernelFunc,
};
