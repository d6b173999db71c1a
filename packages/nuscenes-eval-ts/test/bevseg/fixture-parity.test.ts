import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SegmentationEvaluator } from '../../src/index.ts';

interface SegFixture {
  map_classes: string[];
  thresholds: number[];
  samples: { masks_bev: number[][][]; gt_masks_bev: number[][][] }[];
  expected: Record<string, number>;
}

describe('BEVFusion map-segmentation IoU: parity with the reference outputs', () => {
  const fx = JSON.parse(
    readFileSync(new URL('../fixtures/bevfusion_mapseg.json', import.meta.url), 'utf8'),
  ) as SegFixture;

  it('reproduces every key exactly in float32, in the reference order', () => {
    const evaluator = new SegmentationEvaluator();
    fx.samples.forEach((s, i) => {
      evaluator.addSample({
        sampleToken: `s${i}`,
        probabilities: Float32Array.from(s.masks_bev.flat(2)),
        masks: Uint8Array.from(s.gt_masks_bev.flat(2)),
      });
    });
    const { metrics } = evaluator.result();
    assert.deepEqual(Object.keys(metrics), Object.keys(fx.expected));
    for (const [key, value] of Object.entries(fx.expected)) {
      assert.ok(Math.fround(metrics[key]) === Math.fround(value), `${key}: ${metrics[key]} !== ${value}`);
      assert.ok(metrics[key] === value, `${key} is a float32 widened exactly`);
    }
  });
});
