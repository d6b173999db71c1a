import assert from 'node:assert/strict';
import { SegmentationEvaluator } from '../../src/index.ts';

/** One sample with a single positive pixel per class at probability `p` (other pixels 0, negative). */
function onePixel(p: number, dtype: 'float32' | 'float64') {
  const probabilities = dtype === 'float32' ? new Float32Array(6 * 4) : new Float64Array(6 * 4);
  const masks = new Uint8Array(6 * 4);
  for (let c = 0; c < 6; c++) {
    probabilities[c * 4] = p;
    masks[c * 4] = 1;
  }
  return { sampleToken: 's', probabilities, masks };
}

describe('BEV segmentation thresholds', () => {
  it('predicts a float32 pixel of exactly 0.35 at threshold 0.35 and not at 0.40', () => {
    const evaluator = new SegmentationEvaluator();
    evaluator.addSample(onePixel(0.35, 'float32'));
    const m = evaluator.result().metrics;
    assert.equal(Math.fround(m['map/drivable_area/iou@0.35']), Math.fround(1 / (1 + 1e-7)));
    assert.equal(m['map/drivable_area/iou@0.40'], 0);
    assert.equal(m['map/divider/iou@max'], m['map/drivable_area/iou@0.35']);
  });

  it('compares float64 probabilities with the float32 thresholds widened, as torch promotes', () => {
    const below = new SegmentationEvaluator();
    // Between float32(0.35) = 0.3499999940... and the decimal 0.35: above the float32 threshold.
    below.addSample(onePixel(0.349999997, 'float64'));
    assert.ok(below.result().metrics['map/walkway/iou@0.35'] > 0.99);
    const under = new SegmentationEvaluator();
    under.addSample(onePixel(0.34999999, 'float64'));
    assert.equal(under.result().metrics['map/walkway/iou@0.35'], 0);
  });

  it('counts any non-zero mask value as positive and NaN probabilities as never predicted', () => {
    const evaluator = new SegmentationEvaluator();
    const sample = onePixel(Number.NaN, 'float32');
    sample.masks[0] = 7;
    evaluator.addSample(sample);
    const { fn, tp } = evaluator.result();
    assert.equal(tp[0][0], 0);
    assert.equal(fn[0][0], 1);
  });

  it('rejects mismatched probability and mask sizes, naming the sample', () => {
    const evaluator = new SegmentationEvaluator();
    assert.throws(
      () =>
        evaluator.addSample({
          sampleToken: 'tok',
          probabilities: new Float32Array(24),
          masks: new Uint8Array(18),
        }),
      /sample tok: 24 probabilities but 18 mask values/,
    );
  });
});
