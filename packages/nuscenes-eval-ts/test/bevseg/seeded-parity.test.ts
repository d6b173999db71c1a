import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SegmentationEvaluator } from '../../src/index.ts';
import { seededSample } from './seeded-arrays.ts';

interface SeededCase {
  seed: number;
  samples: number;
  shape: number[];
  dtype: 'float32' | 'float64';
  expected: Record<string, number>;
}

describe('BEVFusion map-segmentation IoU: parity on seeded inputs scored by the reference', () => {
  const { cases } = JSON.parse(
    readFileSync(new URL('bevfusion_mapseg_seeded.json', import.meta.url), 'utf8'),
  ) as {
    cases: SeededCase[];
  };
  for (const c of cases) {
    const pixels = c.samples * c.shape[1] * c.shape[2];
    const over = pixels > 2 ** 24 ? ', past 2^24 pixels per class where float32 accumulation rounds' : '';
    it(`matches every key for seed ${c.seed} (${c.samples} x ${c.shape.join('x')} ${c.dtype}${over})`, () => {
      const evaluator = new SegmentationEvaluator();
      for (let k = 0; k < c.samples; k++) {
        evaluator.addSample({ sampleToken: `s${k}`, ...seededSample(c.seed, k, c.shape, c.dtype) });
      }
      const { metrics, tp } = evaluator.result();
      if (over)
        assert.ok(Math.max(...tp.map((t) => Math.max(...t))) > 2 ** 24, 'a float32 accumulator passed 2^24');
      assert.deepEqual(Object.keys(metrics), Object.keys(c.expected));
      for (const [key, value] of Object.entries(c.expected)) {
        assert.ok(
          Math.fround(metrics[key]) === Math.fround(value) && metrics[key] === value,
          `${key}: ${metrics[key]} !== ${value}`,
        );
      }
    });
  }
});
