/**
 * pyquaternion's rotation matrix and the devkit's `quaternion_yaw`, with the same normalisation rule, so yaw
 * angles agree with the reference to the last few bits. Quaternions are (w, x, y, z).
 */
export type Quaternion = readonly [number, number, number, number];
/** Row-major 3x3 rotation matrix. */
export type Matrix3 = [number, number, number, number, number, number, number, number, number];

/**
 * What pyquaternion divides a quaternion by: its norm, but 1 (no change: x / 1 is x exactly) when
 * |1 - |q|^2| < 1e-14 or for the zero quaternion, which it leaves alone.
 */
function normaliser(w: number, x: number, y: number, z: number): number {
  const sumSquares = w * w + x * x + y * y + z * z;
  if (Math.abs(1 - sumSquares) < 1e-14) return 1;
  const n = Math.sqrt(sumSquares);
  return n > 0 ? n : 1;
}

function normalise(q: Quaternion): Quaternion {
  const n = normaliser(q[0], q[1], q[2], q[3]);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/**
 * Rows of pyquaternion's left (`_q_matrix`) and right (`_q_bar_matrix`) product matrices; the rotation is the
 * lower-right 3x3 block of Q * Qbar^T, each entry summed over k in order.
 */
function productRows(q: Quaternion): { left: number[][]; right: number[][] } {
  const [w, x, y, z] = q;
  return {
    left: [
      [w, -x, -y, -z],
      [x, w, -z, y],
      [y, z, w, -x],
      [z, -y, x, w],
    ],
    right: [
      [w, -x, -y, -z],
      [x, w, z, -y],
      [y, -z, w, x],
      [z, y, -x, w],
    ],
  };
}

export function rotationMatrix(q: Quaternion): Matrix3 {
  const { left, right } = productRows(normalise(q));
  const m = new Array<number>(9) as Matrix3;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      const a = left[r + 1];
      const b = right[c + 1];
      m[r * 3 + c] = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
    }
  }
  return m;
}

/**
 * Heading of the box's x axis in the xy plane, radians (the devkit's `quaternion_yaw`). Takes (w, x, y, z) in a
 * Float64Array too, as the box reader has them, so that no array is made per box.
 */
export function quaternionYaw(q: Quaternion | Float64Array): number {
  // No array in between: this runs for every box of a file, millions of times.
  const n = normaliser(q[0], q[1], q[2], q[3]);
  const w = q[0] / n;
  const x = q[1] / n;
  const y = q[2] / n;
  const z = q[3] / n;
  // Column 0 of the rotation matrix, summed in the order of the 4x4 product.
  const r00 = x * x + w * w + -z * z + y * -y;
  const r10 = y * x + z * w + w * z + -x * -y;
  return Math.atan2(r10, r00);
}
