import assert from 'node:assert/strict';
import { type Mat4, mat4, mat4ApplyHomogeneous, vec3 } from '@mim4d/dataset';
import { SeededRandom } from '@mim4d/nn';
import { augmentEgoToImage, bevMatrix, drawBevAugmentation } from '../../src/augment/bev-augmentation.ts';

const RANGES = { rotation: [-0.3925, 0.3925], scale: [0.95, 1.05] } as const;

describe('BEV augmentation', () => {
  it('draws angle and scale inside their ranges, the same for the same seed', () => {
    const rng = new SeededRandom(1);
    let [minA, maxA, minS, maxS] = [1, -1, 2, 0];
    for (let k = 0; k < 2000; k++) {
      const { angle, scale } = drawBevAugmentation(rng, RANGES);
      assert.ok(angle >= -0.3925 && angle <= 0.3925 && scale >= 0.95 && scale <= 1.05);
      [minA, maxA, minS, maxS] = [
        Math.min(minA, angle),
        Math.max(maxA, angle),
        Math.min(minS, scale),
        Math.max(maxS, scale),
      ];
    }
    assert.ok(minA < -0.38 && maxA > 0.38 && minS < 0.951 && maxS > 1.049);
    assert.deepEqual(
      drawBevAugmentation(new SeededRandom(2), RANGES),
      drawBevAugmentation(new SeededRandom(2), RANGES),
    );
  });

  it('turns counter-clockwise about ego z and scales all three axes', () => {
    const a = bevMatrix({ angle: Math.PI / 2, scale: 2 });
    const [x, y, z, w] = mat4ApplyHomogeneous(a, vec3<'ego'>(1, 0, 3));
    assert.ok(Math.abs(x) < 1e-12 && Math.abs(y - 2) < 1e-12 && z === 6 && w === 1);
  });

  it('projects an augmented point through the augmented camera onto the pixel of the original point', () => {
    // A camera 1.5 m up looking along ego +x, 100 px focal length, principal point (64, 32).
    const egoToImage = mat4<'ego', 'image'>([64, -100, 0, 0, 32, 0, -100, 150, 1, 0, 0, 0, 0, 0, 0, 1]);
    const rng = new SeededRandom(3);
    for (let k = 0; k < 50; k++) {
      const aug = drawBevAugmentation(rng, { ...RANGES, translationStd: 0.5, flip: k % 2 === 0 });
      const p = vec3<'ego'>(5 + 20 * rng.next(), 10 * rng.next() - 5, 2 * rng.next() - 1);
      const moved = mat4ApplyHomogeneous(bevMatrix(aug), p);
      const pixel = (m: Mat4<'ego', 'image'>, q: readonly number[]) => {
        const [u, v, d] = mat4ApplyHomogeneous(m, vec3<'ego'>(q[0], q[1], q[2]));
        return [u / d, v / d];
      };
      const [u0, v0] = pixel(egoToImage, p);
      const [u1, v1] = pixel(augmentEgoToImage(egoToImage, aug), moved);
      assert.ok(Math.abs(u1 - u0) < 1e-9 && Math.abs(v1 - v0) < 1e-9, `(${u1}, ${v1}) vs (${u0}, ${v0})`);
    }
  });

  it('draws translation and flips only when asked, so the detection recipe draws two numbers as before', () => {
    const plain = new SeededRandom(5);
    const aug = drawBevAugmentation(plain, RANGES);
    assert.deepEqual(Object.keys(aug), ['angle', 'scale']);
    const twoDraws = new SeededRandom(5);
    twoDraws.next();
    twoDraws.next();
    assert.equal(plain.getState(), twoDraws.getState());
    const rng = new SeededRandom(6);
    const full = { ...RANGES, translationStd: 0.5, flip: true };
    let [flipsX, flipsY, sumSq] = [0, 0, 0];
    for (let k = 0; k < 2000; k++) {
      const a = drawBevAugmentation(rng, full);
      flipsX += a.flipX ? 1 : 0;
      flipsY += a.flipY ? 1 : 0;
      sumSq += a.translation!.reduce((n, t) => n + t * t, 0);
    }
    assert.ok(flipsX > 900 && flipsX < 1100 && flipsY > 900 && flipsY < 1100, `${flipsX} ${flipsY}`);
    const std = Math.sqrt(sumSq / 6000);
    assert.ok(std > 0.47 && std < 0.53, `translation std ${std}`);
  });

  it('rotates and scales, then translates, then mirrors', () => {
    const a = bevMatrix({ angle: Math.PI / 2, scale: 2, translation: [1, 2, 3], flipX: true });
    // (1, 0, 3) -> turned and scaled (0, 2, 6) -> moved (1, 4, 9) -> x mirrored (-1, 4, 9).
    const [x, y, z] = mat4ApplyHomogeneous(a, vec3<'ego'>(1, 0, 3));
    assert.ok(Math.abs(x + 1) < 1e-12 && Math.abs(y - 4) < 1e-12 && Math.abs(z - 9) < 1e-12, `${[x, y, z]}`);
    const b = bevMatrix({ angle: 0, scale: 1, flipY: true });
    assert.deepEqual([...mat4ApplyHomogeneous(b, vec3<'ego'>(2, 3, 1))].slice(0, 3), [2, -3, 1]);
  });

  it('names bad ranges', () => {
    const rng = new SeededRandom(0);
    assert.throws(
      () => drawBevAugmentation(rng, { rotation: [0.5, -0.5], scale: [1, 1] }),
      /rotation must be .* got \[0.5, -0.5\]/,
    );
    assert.throws(
      () => drawBevAugmentation(rng, { rotation: [0, 0], scale: [0, 1] }),
      /scale must be .* got \[0, 1\]/,
    );
    assert.throws(
      () => drawBevAugmentation(rng, { rotation: [0, 0], scale: [1, 1], translationStd: -1 }),
      /translationStd must be a finite number >= 0, got -1/,
    );
  });
});
