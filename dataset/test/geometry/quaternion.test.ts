import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { vec3 } from '../../src/geometry/frames.ts';
import { Quaternion } from '../../src/geometry/quaternion.ts';

interface Case {
  q: [number, number, number, number];
  rotation_matrix: number[][];
  yaw: number;
  rotated?: number[];
  inverse?: number[];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/pyquaternion.json', import.meta.url), 'utf8'),
) as {
  vector: [number, number, number];
  cases: Record<string, Case>;
  product_cam_times_unnormalised: number[];
};

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-15): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

describe('Quaternion matches pyquaternion', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: rotation matrix, yaw, rotate and inverse`, () => {
      const q = Quaternion.fromArray(c.q);
      assertClose(q.rotationMatrix(), c.rotation_matrix.flat());
      assert.ok(Math.abs(q.yaw() - c.yaw) <= 1e-15, `yaw ${q.yaw()} vs ${c.yaw}`);
      if (c.rotated) assertClose(q.rotate(vec3<'ego'>(...fixture.vector)), c.rotated, 1e-14);
      if (c.inverse) assertClose(q.inverse().toArray(), c.inverse);
    });
  }

  it('leaves a quaternion within 1e-14 of unit length unnormalised, as pyquaternion does', () => {
    const q = Quaternion.fromArray(fixture.cases.unit_within_tolerance.q);
    assert.ok(q.isUnit());
    assert.equal(q.rotationMatrix()[0], fixture.cases.unit_within_tolerance.rotation_matrix[0][0]);
    assert.notEqual(q.rotationMatrix()[0], 1);
    assert.equal(Quaternion.fromArray(fixture.cases.just_outside_tolerance.q).rotationMatrix()[0], 1);
  });

  it('gives the zero quaternion a zero matrix and yaw 0, and refuses to invert it', () => {
    const zero = new Quaternion(0, 0, 0, 0);
    assert.deepEqual([...zero.rotationMatrix()], [0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(zero.yaw(), 0);
    assert.throws(() => zero.inverse(), /zero quaternion/);
  });

  it('multiplies in Hamilton order', () => {
    const a = Quaternion.fromArray(fixture.cases.nuscenes_cam.q);
    const b = Quaternion.fromArray(fixture.cases.unnormalised.q);
    assertClose(a.multiply(b).toArray(), fixture.product_cam_times_unnormalised);
  });

  it("recovers a unit quaternion from its matrix on each branch of pyquaternion's trace method, up to sign", () => {
    const unit = (w: number, x: number, y: number, z: number) => {
      const n = Math.hypot(w, x, y, z);
      return new Quaternion(w / n, x / n, y / n, z / n);
    };
    // Near identity, then near half turns about x, y and z: one per branch.
    for (const q of [
      unit(0.9, 0.1, -0.2, 0.3),
      unit(0.1, 0.9, 0.2, -0.1),
      unit(0.1, 0.2, 0.9, 0.1),
      unit(0.1, -0.1, 0.2, 0.9),
    ]) {
      const back = Quaternion.fromRotationMatrix(q.rotationMatrix()).toArray();
      const sign = Math.sign(back[0]) === Math.sign(q.w) ? 1 : -1;
      assertClose(
        back.map((c) => sign * c),
        q.toArray(),
      );
    }
  });

  it('builds a yaw rotation whose yaw reads back', () => {
    for (const yaw of [0, 0.3, -2.5, Math.PI / 2])
      assert.ok(Math.abs(Quaternion.fromYaw(yaw).yaw() - yaw) < 1e-15);
  });

  it('names the field of a malformed record quaternion', () => {
    assert.throws(
      () => Quaternion.fromArray([1, 0, 0] as number[], 'ego_pose.json record "e1": field "rotation"'),
      /ego_pose\.json record "e1": field "rotation": expected \[w, x, y, z\]/,
    );
    assert.throws(() => Quaternion.fromArray([1, 0, Number.NaN, 0]), /4 finite numbers/);
  });
});
