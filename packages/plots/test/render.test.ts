import assert from 'node:assert/strict';
import { vegaLitePng } from '../src/render.ts';

const bars = {
  width: 200,
  height: 100,
  data: {
    values: [
      { arm: 'random', mAP: 0.1 },
      { arm: 'MIM4D', mAP: 0.2 },
    ],
  },
  mark: 'bar',
  encoding: { x: { field: 'arm', type: 'nominal' }, y: { field: 'mAP', type: 'quantitative' } },
} as const;

function pngSize(png: Buffer): [width: number, height: number] {
  assert.deepEqual(
    [...png.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    'PNG signature',
  );
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('Vega-Lite figures as PNG', () => {
  it('lays out the plot area with its axes around it and scales the raster', async () => {
    const [w1, h1] = pngSize(await vegaLitePng(bars, 1));
    // The axes, tick labels and titles sit outside the 200 x 100 plot area.
    assert.ok(w1 > 200 && h1 > 100, `${w1} x ${h1}`);
    const [w2, h2] = pngSize(await vegaLitePng(bars, 2));
    assert.deepEqual([w2, h2], [2 * w1, 2 * h1]);
  });
});
