/** Bytes per element of the dtypes this reader decodes into float32. */
export const READABLE_DTYPES = { F32: 4, F16: 2, BF16: 2, F64: 8 } as const;

export type ReadableDtype = keyof typeof READABLE_DTYPES;

export function isReadableDtype(dtype: string): dtype is ReadableDtype {
  return Object.hasOwn(READABLE_DTYPES, dtype);
}

/** IEEE 754 binary16 to a JS number (exact: every half is a float32). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * Decodes `count` little-endian elements starting at `view` offset 0 into float32. A DataView, because the data
 * start inside a Node Buffer (often a slice of a shared pool) need not be aligned for a typed-array view.
 */
export function decodeToFloat32(view: DataView, dtype: ReadableDtype, count: number): Float32Array {
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    case 'F64':
      // Rounded to nearest by the Float32Array store, as numpy's astype(float32).
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToNumber(view.getUint16(2 * i, true));
      return out;
    case 'BF16': {
      // bfloat16 is the upper half of a float32, so the widening is exact.
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, view.getUint16(2 * i, true) << 16, true);
        out[i] = word.getFloat32(0, true);
      }
      return out;
    }
  }
}
