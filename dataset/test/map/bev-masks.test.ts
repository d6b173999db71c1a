import assert from 'node:assert/strict';
import { BEV_MAP_CLASSES, bevFusionLidarToGlobal, bevSegmentationMasks } from '../../src/map/bev-masks.ts';
import { readFixture, toyMap, toyPose } from './fixtures.ts';
import { TOY_POSES } from './toy-map.ts';

const fixture = readFixture<{ masks: { shape: number[]; rle: number[] }[] }>('bev_masks.json');

function decode(rle: number[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let pos = 0;
  let v = 0;
  for (const run of rle) {
    out.fill(v, pos, pos + run);
    pos += run;
    v ^= 1;
  }
  return out;
}

describe('BEV segmentation masks', () => {
  const map = toyMap();
  TOY_POSES.forEach((_, k) => {
    const { lidarToEgo, egoToGlobal } = toyPose(k);
    const masks = bevSegmentationMasks(map, bevFusionLidarToGlobal(lidarToEgo, egoToGlobal));
    const expected = decode(fixture.masks[k].rle, masks.data.length);
    const cell = 200 * 200;
    const mismatches = (c: number) => {
      let n = 0;
      for (let i = c * cell; i < (c + 1) * cell; i++) if (masks.data[i] !== expected[i]) n++;
      return n;
    };

    it(`pose ${k}: has BEVFusion's layout [6][200 (x)][200 (y)]`, () => {
      assert.deepEqual(fixture.masks[k].shape, [BEV_MAP_CLASSES.length, masks.sizeX, masks.sizeY]);
    });

    BEV_MAP_CLASSES.forEach((cls, c) => {
      it(`pose ${k}: ${cls} matches BEVFusion pixel for pixel`, () => {
        assert.equal(mismatches(c), 0);
      });
    });
  });
});
