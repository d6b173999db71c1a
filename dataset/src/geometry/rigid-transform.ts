import { asVec3, type Vec3, vec3 } from './frames.ts';
import { type Mat4, mat4 } from './matrix.ts';
import { Quaternion } from './quaternion.ts';

/**
 * A rotation followed by a translation (metres) taking points of frame `From` into frame `To`:
 * p_To = R · p_From + t. A nuScenes `calibrated_sensor` record is sensor -> ego and an `ego_pose` is ego -> global.
 */
export class RigidTransform<From extends string, To extends string> {
  readonly rotation: Quaternion;
  /** The origin of `From` expressed in `To`. */
  readonly translation: Vec3<To>;

  constructor(rotation: Quaternion, translation: Vec3<To>) {
    this.rotation = rotation;
    this.translation = translation;
  }

  static identity<F extends string>(): RigidTransform<F, F> {
    return new RigidTransform<F, F>(Quaternion.IDENTITY, vec3<F>(0, 0, 0));
  }

  /** From a record's `rotation` ([w, x, y, z]) and `translation` ([x, y, z] metres); `what` names it in errors. */
  static fromRecord<From extends string, To extends string>(
    record: { readonly rotation: readonly number[]; readonly translation: readonly number[] },
    what = 'record',
  ): RigidTransform<From, To> {
    return new RigidTransform<From, To>(
      Quaternion.fromArray(record.rotation, `${what}.rotation`),
      asVec3<To>(record.translation, `${what}.translation`),
    );
  }

  apply(p: Vec3<From>): Vec3<To> {
    const r = this.rotation.rotationMatrix();
    const t = this.translation;
    return vec3<To>(
      r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + t[0],
      r[3] * p[0] + r[4] * p[1] + r[5] * p[2] + t[1],
      r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + t[2],
    );
  }

  /** Rotates a direction (no translation), e.g. a velocity. */
  applyToDirection(d: Vec3<From>): Vec3<To> {
    return this.rotation.rotate(d as unknown as Vec3<To>);
  }

  /** The transform that applies `this`, then `next`. */
  andThen<Next extends string>(next: RigidTransform<To, Next>): RigidTransform<From, Next> {
    return new RigidTransform<From, Next>(
      next.rotation.normalised().multiply(this.rotation.normalised()),
      next.apply(this.translation),
    );
  }

  inverse(): RigidTransform<To, From> {
    const q = this.rotation.normalised();
    if (q.sumOfSquares() === 0)
      throw new Error('a rigid transform with a zero rotation quaternion cannot be inverted');
    const qInv = q.conjugate();
    const t = qInv.rotate(this.translation);
    return new RigidTransform<To, From>(qInv, vec3<From>(-t[0], -t[1], -t[2]));
  }

  /** Row-major 4x4 [R t; 0 1] (the devkit's `transform_matrix`). */
  toMatrix(): Mat4<From, To> {
    const r = this.rotation.rotationMatrix();
    const t = this.translation;
    return mat4<From, To>([
      r[0],
      r[1],
      r[2],
      t[0],
      r[3],
      r[4],
      r[5],
      t[1],
      r[6],
      r[7],
      r[8],
      t[2],
      0,
      0,
      0,
      1,
    ]);
  }
}
