/** float32 arithmetic on JavaScript numbers: each result is rounded once, as a float32 ALU would. */

export const f32 = Math.fround;

/** `np.finfo(np.float32).eps`, 2^-23. */
export const FLOAT32_EPS = 2 ** -23;

export function add32(a: number, b: number): number {
  return Math.fround(a + b);
}

export function sub32(a: number, b: number): number {
  return Math.fround(a - b);
}

export function mul32(a: number, b: number): number {
  return Math.fround(a * b);
}

/** Exact for float32 operands: the double quotient rounds to the same float32 as a float32 division. */
export function div32(a: number, b: number): number {
  return Math.fround(a / b);
}
