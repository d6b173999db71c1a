import assert from 'node:assert/strict';
import {
  DETECTION_CVPR_2019,
  evalBoxesFromObject,
  filterEvalBoxes,
  pointInBox,
  type SampleFilterContext,
} from '../../src/index.ts';
import { box } from './box-builders.ts';

const ego: [number, number, number] = [100, 200, 0];

function kept(boxes: object[], context: Partial<SampleFilterContext> = {}): number[] {
  const input = evalBoxesFromObject({ s: boxes });
  const ctx: SampleFilterContext = { egoTranslation: ego, bikeRacks: [], ...context };
  const { boxes: out } = filterEvalBoxes(input, () => ctx, DETECTION_CVPR_2019.class_range);
  return Array.from(out.boxes.sourceIndex);
}

describe('detection filters (class range, zero points, bike racks)', () => {
  it('keeps boxes strictly inside their class range, measured in xy from the ego pose', () => {
    const boxes = [
      box('s', 'car', 149.999, 200), // 49.999 m: kept
      box('s', 'car', 150, 200), // exactly 50 m: dropped
      box('s', 'pedestrian', 100, 240), // exactly 40 m: dropped
      box('s', 'traffic_cone', 100 + 18, 200 + 24), // 30 m along a 3-4-5 diagonal: dropped
      box('s', 'barrier', 100 + 17.9, 200 + 24), // just inside 30 m: kept
    ];
    assert.deepEqual(kept(boxes), [0, 4]);
  });

  it('drops boxes with num_pts 0 but keeps the prediction default of -1', () => {
    assert.deepEqual(
      kept([
        box('s', 'car', 101, 200, { num_pts: 0 }),
        box('s', 'car', 101, 200),
        box('s', 'car', 101, 200, { num_pts: 3 }),
      ]),
      [1, 2],
    );
  });

  it('drops bicycles and motorcycles centred in a bike rack, and nothing else', () => {
    const rack = {
      translation: [105, 205, 1] as const,
      size: [2, 6, 2] as const,
      rotation: [Math.cos(Math.PI / 8), 0, 0, Math.sin(Math.PI / 8)] as const,
    };
    const boxes = [
      box('s', 'bicycle', 105, 205), // centre of the rack
      box('s', 'motorcycle', 105 + 2.5 * Math.cos(Math.PI / 4), 205 + 2.5 * Math.sin(Math.PI / 4)), // along the rack's length
      box('s', 'car', 105, 205), // cars are never rack-filtered
      box(
        's',
        'bicycle',
        105 + 1.5 * Math.cos(Math.PI / 4 + Math.PI / 2),
        205 + 1.5 * Math.sin(Math.PI / 4 + Math.PI / 2),
      ), // 1.5 m sideways: outside the 2 m wide rack
    ];
    assert.deepEqual(kept(boxes, { bikeRacks: [rack] }), [2, 3]);
  });

  it('tests bike-rack membership on the closed box', () => {
    const rack = {
      translation: [0, 0, 0] as const,
      size: [2, 4, 2] as const,
      rotation: [1, 0, 0, 0] as const,
    };
    assert.equal(pointInBox(rack, [2, 1, 1]), true); // a corner
    assert.equal(pointInBox(rack, [2.000001, 0, 0]), false);
    assert.equal(pointInBox(rack, [0, 0, -1.000001]), false);
  });

  it('keeps every sample, also when all its boxes are filtered out', () => {
    const input = evalBoxesFromObject({ a: [box('a', 'car', 0, 0)], b: [] });
    const { boxes, counts } = filterEvalBoxes(
      input,
      () => ({ egoTranslation: ego, bikeRacks: [] }),
      DETECTION_CVPR_2019.class_range,
    );
    assert.deepEqual(boxes.sampleTokens, ['a', 'b']);
    assert.deepEqual(counts, { total: 1, afterDistance: 0, afterPoints: 0, afterBikeRacks: 0 });
  });
});
