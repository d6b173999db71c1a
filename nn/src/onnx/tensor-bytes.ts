import type { OnnxDtype } from './dtypes.ts';

/** Values an initializer may be given as; plain number arrays are converted to the declared dtype. */
export type InitializerValues = Float32Array | Int32Array | BigInt64Array | Uint8Array | readonly number[];

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Little-endian raw bytes (TensorProto.raw_data) for `values` as `dtype`. Integer values given for int64 must be
 * safe integers; a float given for an integer type is an error rather than a silent truncation.
 */
export function toRawBytes(values: InitializerValues, dtype: OnnxDtype, where: string): Uint8Array {
  const typed = toTyped(values, dtype, where);
  if (LITTLE_ENDIAN) return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength).slice();
  const out = new Uint8Array(typed.byteLength);
  const view = new DataView(out.buffer);
  typed.forEach((v: number | bigint, i: number) => {
    if (typed instanceof Float32Array) view.setFloat32(i * 4, v as number, true);
    else if (typed instanceof Int32Array) view.setInt32(i * 4, v as number, true);
    else if (typed instanceof BigInt64Array) view.setBigInt64(i * 8, v as bigint, true);
    else view.setUint8(i, v as number);
  });
  return out;
}

function toTyped(values: InitializerValues, dtype: OnnxDtype, where: string) {
  const expect = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`${where}: values are ${what}, which does not fit dtype ${dtype}`);
  };
  if (ArrayBuffer.isView(values)) {
    const name = values.constructor.name;
    const fits =
      (dtype === 'float32' && values instanceof Float32Array) ||
      (dtype === 'int32' && values instanceof Int32Array) ||
      (dtype === 'int64' && values instanceof BigInt64Array) ||
      ((dtype === 'bool' || dtype === 'uint8') && values instanceof Uint8Array);
    expect(fits, `a ${name}`);
    return values;
  }
  const list = values as readonly number[];
  if (dtype === 'float32') return Float32Array.from(list);
  for (const [i, v] of list.entries()) {
    if (!Number.isSafeInteger(v))
      throw new Error(`${where}: value ${i} is ${v}, not an integer for dtype ${dtype}`);
  }
  if (dtype === 'int64') return BigInt64Array.from(list, (v) => BigInt(v));
  if (dtype === 'int32') {
    expect(
      list.every((v) => v >= -(2 ** 31) && v < 2 ** 31),
      'outside the int32 range',
    );
    return Int32Array.from(list);
  }
  expect(
    list.every((v) => v >= 0 && v <= (dtype === 'bool' ? 1 : 255)),
    `outside the ${dtype} range`,
  );
  return Uint8Array.from(list);
}
