import assert from 'node:assert/strict';
import { MAPTR_CLASSES, type MapTrGtVector, mapTrGtVectors } from '../../src/map/maptr-vectors.ts';
import { readFixture, toyMap, toyPose } from './fixtures.ts';
import { TOY_POSES } from './toy-map.ts';

type Pts = MapTrGtVector['pts'];
const fixture = readFixture<{ vectors: MapTrGtVector[][] }>('maptr_gt.json');

function maxDiff(a: Pts, b: Pts): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  return Math.max(0, ...a.flatMap((p, i) => [Math.abs(p[0] - b[i][0]), Math.abs(p[1] - b[i][1])]));
}

describe('MapTR GT vectors', () => {
  const map = toyMap();
  TOY_POSES.forEach((_, k) => {
    const mine = mapTrGtVectors(map, toyPose(k).lidarToGlobal);
    const ref = fixture.vectors[k];

    for (const cls of MAPTR_CLASSES) {
      it(`pose ${k}: ${cls} polylines match MapTR's vertex for vertex, in order and bit for bit`, () => {
        const a = mine.filter((v) => v.cls_name === cls);
        const b = ref.filter((v) => v.cls_name === cls);
        assert.equal(a.length, b.length, `${cls} count`);
        a.forEach((v, i) => {
          assert.equal(v.pts_num, b[i].pts_num, `${cls} ${i} vertex count`);
          assert.equal(maxDiff(v.pts, b[i].pts), 0, `${cls} ${i} differs`);
        });
      });
    }

    it(`pose ${k}: lists the classes in MapTR's order with their labels`, () => {
      assert.deepEqual(
        mine.map((v) => [v.cls_name, v.type, v.pts_num === v.pts.length]),
        ref.map((v) => [v.cls_name, v.type, true]),
      );
    });
  });

  it('cuts a smaller patch when given its size: every vertex within it (ped crossings up to 0.2 m outside), fewer than the default patch reaches', () => {
    const size = { height: 44.8, width: 22.4 };
    for (let k = 0; k < TOY_POSES.length; k++) {
      const pose = toyPose(k).lidarToGlobal;
      const full = mapTrGtVectors(map, pose).flatMap((v) => v.pts);
      const scaled = mapTrGtVectors(map, pose, size);
      assert.ok(scaled.length > 0, `pose ${k}: vectors in the scaled patch`);
      for (const v of scaled) {
        const margin = v.cls_name === 'ped_crossing' ? 0.2 + 1e-9 : 1e-9;
        for (const [x, y] of v.pts) {
          assert.ok(
            Math.abs(x) <= 11.2 + margin && Math.abs(y) <= 22.4 + margin,
            `${v.cls_name} at (${x}, ${y})`,
          );
        }
      }
      assert.ok(
        full.some(([x, y]) => Math.abs(x) > 11.4 || Math.abs(y) > 22.6),
        `pose ${k}: the default patch is larger`,
      );
    }
  });

  it('puts a map far from the pose out of reach: no vectors', () => {
    const far = toyPose(0).lidarToGlobal.slice() as typeof toyPose extends (k: number) => {
      lidarToGlobal: infer M;
    }
      ? M
      : never;
    far[3] += 5000;
    assert.deepEqual(mapTrGtVectors(toyMap(), far), []);
  });
});
