import assert from 'node:assert/strict';
import { cosSinRounded } from '../../src/map/rounded-trig.ts';

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
