import assert from 'node:assert/strict';
import { atan2Rounded, cosSinRounded } from '../../src/map/rounded-trig.ts';

/** Angles where V8's Math.cos or Math.sin is an ulp off; [x, cos x, sin x] rounded from 70-digit sums. */
const CORRECTLY_ROUNDED: [number, number, number][] = [
  [0.847354506654063, 0.6619683413901686, 0.7495317971888512],
  [2.3801510207367977, -0.723842086081395, 0.6899656762603009],
  [2.3804894336161815, -0.724075537899734, 0.6897206792718419],
  [-2.529269166567417, -0.8183147564624295, -0.57477035358118],
  [-0.9367570264137906, 0.59240380866808, -0.805641190279862],
  [-2.116807505214623, -0.5192825115832115, -0.8546026405083429],
];

function ulpsApart(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Math.abs(Number(view.getBigInt64(0) - view.getBigInt64(8)));
}

describe('correctly rounded cos and sin', () => {
  it("gives the nearest double where V8's are an ulp off, as glibc (shapely's) does", () => {
    for (const [x, c, s] of CORRECTLY_ROUNDED) {
      assert.ok(Math.cos(x) !== c || Math.sin(x) !== s, `V8 already rounds ${x} correctly`);
      assert.deepEqual(cosSinRounded(x), [c, s], `at ${x}`);
    }
  });

  it('is exact at 0, π/2 and -π, and within an ulp of V8 across two turns', () => {
    assert.deepEqual(cosSinRounded(0), [1, 0]);
    assert.deepEqual(cosSinRounded(Math.PI / 2), [6.123233995736766e-17, 1]);
    assert.deepEqual(cosSinRounded(-Math.PI), [-1, -1.2246467991473532e-16]);
    for (let i = 0; i < 2000; i++) {
      const x = -2 * Math.PI + (i * 4 * Math.PI) / 1999 + 1e-7 * Math.sin(i);
      const [c, s] = cosSinRounded(x);
      assert.ok(ulpsApart(c, Math.cos(x)) <= 1 && ulpsApart(s, Math.sin(x)) <= 1, `at ${x}`);
    }
  });

  it('refuses angles it cannot reduce exactly', () => {
    assert.throws(() => cosSinRounded(1e9), /1000000000 rad is not within ±20π/);
    assert.throws(() => cosSinRounded(Number.NaN), /NaN rad/);
  });
});

/** Points where V8's Math.atan2 is an ulp off; [y, x, atan2(y, x)] rounded from mpmath at 200 bits (glibc agrees). */
const ATAN2_CORRECTLY_ROUNDED: [number, number, number][] = [
  [0.6729229025487775, -0.0472935826013301, 1.6409617872718445],
  [0.7310544739578912, -0.054501822669066335, 1.6452110049916167],
  [0.4282589672224051, 0.842197335167749, 0.4704259941059872],
  [0.2532965817336079, -0.39794760314898925, 2.5747611391709833],
  [0.7128011327935113, 0.9819792897376303, 0.627886101729677],
  [0.7078849768453603, 0.9796120298431625, 0.625744889676736],
];

describe('correctly rounded atan2', () => {
  it("gives the nearest double where V8's is an ulp off, as glibc (numpy's arctan2) does", () => {
    for (const [y, x, angle] of ATAN2_CORRECTLY_ROUNDED) {
      assert.notEqual(Math.atan2(y, x), angle, `V8 already rounds atan2(${y}, ${x}) correctly`);
      assert.equal(atan2Rounded(y, x), angle, `atan2(${y}, ${x})`);
    }
  });

  it('keeps the exact special cases of zeros, axes and infinities', () => {
    assert.equal(atan2Rounded(0, -1), Math.PI);
    assert.equal(atan2Rounded(-0, -1), -Math.PI);
    assert.equal(atan2Rounded(1, 0), Math.PI / 2);
    assert.ok(Object.is(atan2Rounded(-0, 1), -0));
    assert.equal(atan2Rounded(0, 0), 0);
    assert.equal(atan2Rounded(Number.POSITIVE_INFINITY, 1), Math.PI / 2);
    assert.ok(Number.isNaN(atan2Rounded(Number.NaN, 1)));
  });

  it('is within an ulp of V8 all around the circle', () => {
    for (let i = 0; i < 2000; i++) {
      const a = -Math.PI + (i * 2 * Math.PI) / 1999 + 1e-7 * Math.sin(i);
      const [y, x] = [Math.sin(a) * 1.7, Math.cos(a) * 1.7];
      assert.ok(ulpsApart(atan2Rounded(y, x), Math.atan2(y, x)) <= 1, `at ${a}`);
    }
  });
});
