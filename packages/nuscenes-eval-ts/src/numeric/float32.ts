/**
 * float32 constants of the reference code. float32 arithmetic itself is `Math.fround` after each operation:
 * for +, -, * and / of float32 operands the double result rounds to the same float32 a float32 ALU gives.
 */

/** `np.finfo(np.float32).eps`, 2^-23. */
export const FLOAT32_EPS = 2 ** -23;
