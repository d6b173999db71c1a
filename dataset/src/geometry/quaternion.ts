import { type Vec3, vec3 } from './frames.ts';
import type { Mat3 } from './matrix.ts';

/** pyquaternion treats a quaternion as unit when |1 - (w² + x² + y² + z²)| < 1e-14 and leaves it untouched. */
const UNIT_TOLERANCE = 1e-14;

/**
 * An immutable quaternion w + xi + yj + zk with pyquaternion's semantics, which the nuScenes devkit relies on:
 * rotations normalise first (unless already unit within 1e-14), and the zero quaternion is left as is, so its
 * rotation matrix is all zeros and its yaw is 0. nuScenes stores rotations as [w, x, y, z].
 */
export class Quaternion {
  readonly w: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;

  constructor(w: number, x: number, y: number, z: number) {
    this.w = w;
    this.x = x;
    this.y = y;
    this.z = z;
  }

  static readonly IDENTITY = new Quaternion(1, 0, 0, 0);

  /** From nuScenes' [w, x, y, z]; `what` names the record field in the error for malformed input. */
  static fromArray(q: readonly number[], what = 'quaternion'): Quaternion {
    if (!Array.isArray(q) || q.length !== 4 || !q.every((c) => typeof c === 'number' && Number.isFinite(c))) {
      throw new Error(`${what}: expected [w, x, y, z] as 4 finite numbers, got ${JSON.stringify(q)}`);
    }
    return new Quaternion(q[0], q[1], q[2], q[3]);
  }

  /** Rotation by `radians` about +z (pyquaternion's `Quaternion(axis=[0, 0, 1], radians=yaw)`). */
  static fromYaw(radians: number): Quaternion {
    return new Quaternion(Math.cos(radians / 2), 0, 0, Math.sin(radians / 2));
  }

  /**
   * pyquaternion's `Quaternion(matrix=R)` for a rotation matrix R (row-major), by its trace method, without the
   * orthogonality checks; the result is not normalised, as there.
   */
  static fromRotationMatrix(r: Mat3): Quaternion {
    // pyquaternion works on Rᵀ: m(i, j) = R[j][i].
    const m = (i: number, j: number) => r[3 * j + i];
    let t: number;
    let q: [number, number, number, number];
    if (m(2, 2) < 0) {
      if (m(0, 0) > m(1, 1)) {
        t = 1 + m(0, 0) - m(1, 1) - m(2, 2);
        q = [m(1, 2) - m(2, 1), t, m(0, 1) + m(1, 0), m(2, 0) + m(0, 2)];
      } else {
        t = 1 - m(0, 0) + m(1, 1) - m(2, 2);
        q = [m(2, 0) - m(0, 2), m(0, 1) + m(1, 0), t, m(1, 2) + m(2, 1)];
      }
    } else if (m(0, 0) < -m(1, 1)) {
      t = 1 - m(0, 0) - m(1, 1) + m(2, 2);
      q = [m(0, 1) - m(1, 0), m(2, 0) + m(0, 2), m(1, 2) + m(2, 1), t];
    } else {
      t = 1 + m(0, 0) + m(1, 1) + m(2, 2);
      q = [t, m(1, 2) - m(2, 1), m(2, 0) - m(0, 2), m(0, 1) - m(1, 0)];
    }
    const s = 0.5 / Math.sqrt(t);
    return new Quaternion(q[0] * s, q[1] * s, q[2] * s, q[3] * s);
  }

  toArray(): [number, number, number, number] {
    return [this.w, this.x, this.y, this.z];
  }

  sumOfSquares(): number {
    return this.w * this.w + this.x * this.x + this.y * this.y + this.z * this.z;
  }

  isUnit(): boolean {
    return Math.abs(1 - this.sumOfSquares()) < UNIT_TOLERANCE;
  }

  normalised(): Quaternion {
    if (this.isUnit()) return this;
    const n = Math.sqrt(this.sumOfSquares());
    return n > 0 ? new Quaternion(this.w / n, this.x / n, this.y / n, this.z / n) : this;
  }

  conjugate(): Quaternion {
    return new Quaternion(this.w, -this.x, -this.y, -this.z);
  }

  inverse(): Quaternion {
    const ss = this.sumOfSquares();
    if (!(ss > 0)) throw new Error('a zero quaternion cannot be inverted');
    return new Quaternion(this.w / ss, -this.x / ss, -this.y / ss, -this.z / ss);
  }

  /** Hamilton product `this * other`: rotating by `other` first, then by `this`. */
  multiply(o: Quaternion): Quaternion {
    const { w, x, y, z } = this;
    return new Quaternion(
      w * o.w - x * o.x - y * o.y - z * o.z,
      x * o.w + w * o.x - z * o.y + y * o.z,
      y * o.w + z * o.x + w * o.y - x * o.z,
      z * o.w - y * o.x + x * o.y + w * o.z,
    );
  }

  /** Row-major rotation matrix of the normalised quaternion, computed as pyquaternion does (Q · Q̄ᵀ). */
  rotationMatrix(): Mat3 {
    const { w, x, y, z } = this.normalised();
    // Summed in numpy's order so the entries match the devkit's to the last bit where possible.
    return [
      x * x + w * w - z * z - y * y,
      x * y - w * z - z * w + y * x,
      x * z + w * y + z * x + y * w,
      y * x + z * w + w * z + x * y,
      y * y - z * z + w * w - x * x,
      y * z + z * y - w * x - x * w,
      z * x - y * w + x * z - w * y,
      z * y + y * z + x * w + w * x,
      z * z - y * y - x * x + w * w,
    ];
  }

  /** Rotates a vector (the frame tag is kept: a rotation between frames belongs to a RigidTransform). */
  rotate<F extends string>(v: Vec3<F>): Vec3<F> {
    const r = this.rotationMatrix();
    return vec3<F>(
      r[0] * v[0] + r[1] * v[1] + r[2] * v[2],
      r[3] * v[0] + r[4] * v[1] + r[5] * v[2],
      r[6] * v[0] + r[7] * v[1] + r[8] * v[2],
    );
  }

  /** Yaw about z in radians, [-π, π], as pyquaternion's `yaw_pitch_roll[0]`. */
  yaw(): number {
    const { w, x, y, z } = this.normalised();
    return Math.atan2(2 * (w * z - x * y), 1 - 2 * (y * y + z * z));
  }
}
