import assert from 'node:assert/strict';
import {
  createRaster,
  drawOpenPolyline,
  fillPolygons,
  type PixelPoint,
} from '../../src/map/opencv-raster.ts';
import { readFixture } from './fixtures.ts';

interface Case {
  line: PixelPoint[];
  line_on: number[];
  polygon: PixelPoint[];
  polygon_on: number[];
}
const { cases } = readFixture<{ cases: Case[] }>('opencv_cases.json');
const onPixels = (data: Uint8Array) => [...data.keys()].filter((i) => data[i] === 1);

describe('OpenCV-exact rasterisation', () => {
  it('draws 2-px polylines exactly like cv2.polylines, clipped lines included', () => {
    for (const c of cases) {
      const img = createRaster(20, 20);
      drawOpenPolyline(img, c.line, 1, 2);
      assert.deepEqual(onPixels(img.data), c.line_on, `polyline ${JSON.stringify(c.line)}`);
    }
  });

  it('fills polygons exactly like cv2.fillPoly, outline pixels included', () => {
    for (const c of cases) {
      const img = createRaster(20, 20);
      fillPolygons(img, [c.polygon], 1);
      assert.deepEqual(onPixels(img.data), c.polygon_on, `polygon ${JSON.stringify(c.polygon)}`);
    }
  });

  it('draws nothing for a single-vertex polyline, as OpenCV does', () => {
    const img = createRaster(5, 5);
    drawOpenPolyline(img, [[2, 2]], 1, 2);
    assert.deepEqual(onPixels(img.data), []);
  });
});
