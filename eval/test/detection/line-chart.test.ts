import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { drawText, textWidth } from '../../src/plots/bitmap-font.ts';
import { renderLineChart } from '../../src/plots/line-chart.ts';
import { Raster } from '../../src/plots/raster.ts';

function inkPixels(raster: Raster): number {
  let n = 0;
  for (let i = 0; i < raster.data.length; i += 4) if (raster.data[i] < 128) n++;
  return n;
}

describe('PNG line charts', () => {
  it('renders a decodable PNG of the requested size with the series drawn in its colour', () => {
    const png = PNG.sync.read(
      renderLineChart({
        title: 'pr',
        xLabel: 'recall',
        yLabel: 'precision',
        xRange: [0, 1],
        yRange: [0, 1],
        series: [{ label: 'red', x: [0, 1], y: [1, 0], color: [255, 0, 0] }],
        width: 400,
        height: 300,
      }),
    );
    assert.equal(png.width, 400);
    assert.equal(png.height, 300);
    let red = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      if (png.data[i] > 200 && png.data[i + 1] < 60 && png.data[i + 2] < 60) red++;
    }
    assert.ok(red > 100, `expected a red diagonal, found ${red} red pixels`);
  });

  it('draws text at fractional positions (chart coordinates are rarely whole pixels)', () => {
    const whole = new Raster(80, 20);
    const fractional = new Raster(80, 20);
    drawText(whole, '0.6', 2, 2, [0, 0, 0]);
    drawText(fractional, '0.6', 2.4, 2.3, [0, 0, 0]);
    assert.ok(inkPixels(whole) > 0);
    assert.equal(inkPixels(fractional), inkPixels(whole));
    assert.equal(textWidth('0.6', 2), 34);
  });

  it('breaks a series at NaN instead of drawing through it', () => {
    const spec = {
      title: '',
      xLabel: '',
      yLabel: '',
      xRange: [0, 1] as const,
      yRange: [0, 1] as const,
      width: 300,
      height: 300,
    };
    const count = (y: number[]) => {
      const png = PNG.sync.read(
        renderLineChart({ ...spec, series: [{ label: '', x: [0, 0.5, 1], y, color: [0, 0, 255] }] }),
      );
      let blue = 0;
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i + 2] > 200 && png.data[i] < 80) blue++;
      return blue;
    };
    assert.ok(count([0.5, Number.NaN, 0.5]) < count([0.5, 0.5, 0.5]) / 2);
  });
});
