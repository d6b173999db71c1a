import assert from 'node:assert/strict';
import { SeededRandom } from '@mim4d/nn';
import { hsvToRgb, rgbToHsv } from '../../src/augment/hsv.ts';
import {
  applyPhotometric,
  drawPhotometric,
  PHOTOMETRIC_RANGES,
  type PhotometricDraw,
  photometricDistortion,
} from '../../src/augment/photometric-distortion.ts';

const NOTHING: PhotometricDraw = {
  brightness: null,
  contrastFirst: false,
  contrast: null,
  saturation: null,
  hueDegrees: null,
  permutation: null,
};

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-6): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

function randomImages(seed: number, n: number): Float32Array {
  const rng = new SeededRandom(seed);
  return Float32Array.from({ length: n }, () => rng.next());
}

describe('OpenCV float HSV', () => {
  it('gives hue in degrees, saturation (max − min) / max and value max', () => {
    const hsv = new Float64Array(3);
    rgbToHsv(0.8, 0.4, 0.2, hsv);
    close(hsv, [20, 0.75, 0.8]);
    rgbToHsv(0.2, 0.4, 0.8, hsv);
    close(hsv, [220, 0.75, 0.8]);
    rgbToHsv(0.8, 0.2, 0.4, hsv);
    close(hsv, [340, 0.75, 0.8]);
    rgbToHsv(0.5, 0.5, 0.5, hsv);
    close(hsv, [0, 0, 0.5]);
  });

  it('round-trips colours in [0, 1]', () => {
    const rng = new SeededRandom(1);
    const hsv = new Float64Array(3);
    const rgb = new Float64Array(3);
    for (let k = 0; k < 1000; k++) {
      const c = [rng.next(), rng.next(), rng.next()];
      rgbToHsv(c[0], c[1], c[2], hsv);
      hsvToRgb(hsv[0], hsv[1], hsv[2], rgb);
      close(rgb, c, 1e-6);
    }
  });
});

describe('photometricDistortion', () => {
  it('draws every step about half the time, each inside its range', () => {
    const rng = new SeededRandom(5);
    const counts = { brightness: 0, contrast: 0, contrastFirst: 0, saturation: 0, hue: 0, permutation: 0 };
    const n = 4000;
    const { brightness, contrast, saturation, hueDegrees } = PHOTOMETRIC_RANGES;
    let extremes = { brightness: 0, contrastLow: 2, contrastHigh: 0, hue: 0 };
    for (let k = 0; k < n; k++) {
      const d = drawPhotometric(rng);
      if (d.brightness !== null) {
        counts.brightness++;
        assert.ok(Math.abs(d.brightness) <= brightness);
        extremes.brightness = Math.max(extremes.brightness, Math.abs(d.brightness));
      }
      if (d.contrastFirst) counts.contrastFirst++;
      if (d.contrast !== null) {
        counts.contrast++;
        assert.ok(d.contrast >= contrast[0] && d.contrast <= contrast[1]);
        extremes = {
          ...extremes,
          contrastLow: Math.min(extremes.contrastLow, d.contrast),
          contrastHigh: Math.max(extremes.contrastHigh, d.contrast),
        };
      }
      if (d.saturation !== null) {
        counts.saturation++;
        assert.ok(d.saturation >= saturation[0] && d.saturation <= saturation[1]);
      }
      if (d.hueDegrees !== null) {
        counts.hue++;
        assert.ok(Math.abs(d.hueDegrees) <= hueDegrees);
        extremes.hue = Math.max(extremes.hue, Math.abs(d.hueDegrees));
      }
      if (d.permutation !== null) {
        counts.permutation++;
        assert.deepEqual([...d.permutation].sort(), [0, 1, 2]);
      }
    }
    for (const [step, count] of Object.entries(counts)) {
      assert.ok(Math.abs(count / n - 0.5) < 0.03, `${step} drawn ${count} of ${n} times`);
    }
    assert.ok(extremes.brightness > 0.98 * brightness && extremes.hue > 0.98 * hueDegrees);
    assert.ok(extremes.contrastLow < 0.51 && extremes.contrastHigh > 1.49);
  });

  it('gives the same images for the same seed and different ones for another seed', () => {
    const [views, H, W] = [3, 4, 5];
    const run = (seed: number) => {
      const images = randomImages(9, views * H * W * 3);
      photometricDistortion(images, views, H, W, new SeededRandom(seed));
      return images;
    };
    assert.deepEqual(run(1), run(1));
    assert.notDeepEqual(run(1), run(2));
  });

  it('draws each view separately', () => {
    const draws = photometricDistortion(new Float32Array(6 * 2 * 2 * 3), 6, 2, 2, new SeededRandom(3));
    assert.equal(draws.length, 6);
    assert.ok(
      new Set(draws.map((d) => JSON.stringify({ ...d, permutation: d.permutation && [...d.permutation] })))
        .size > 1,
    );
  });

  it('leaves an image unchanged (to float rounding) when no step is drawn', () => {
    const image = randomImages(2, 10 * 3);
    const before = image.slice();
    applyPhotometric(image, NOTHING);
    close(image, before, 1e-6);
  });

  it('shifts brightness, scales contrast, and leaves grey grey under saturation and hue', () => {
    const grey = Float32Array.from([0.5, 0.5, 0.5]);
    applyPhotometric(grey, {
      ...NOTHING,
      brightness: 0.1,
      contrast: 1.5,
      contrastFirst: true,
      saturation: 1.4,
      hueDegrees: 10,
    });
    close(grey, [0.9, 0.9, 0.9]);
    // No clipping: a contrast after the HSV steps pushes past 1.
    const bright = Float32Array.from([0.9, 0.9, 0.9]);
    applyPhotometric(bright, { ...NOTHING, contrast: 1.5 });
    close(bright, [1.35, 1.35, 1.35]);
  });

  it('scales saturation about the value and turns the hue around the colour wheel', () => {
    const orange = Float32Array.from([0.8, 0.4, 0.2]);
    applyPhotometric(orange, { ...NOTHING, saturation: 0.5 });
    close(orange, [0.8, 0.6, 0.5]);
    const red = Float32Array.from([1, 0, 0]);
    applyPhotometric(red, { ...NOTHING, hueDegrees: 18 });
    close(red, [1, 0.3, 0]);
    // Negative hue wraps below 0 to the top of the wheel: magenta-ish red.
    const red2 = Float32Array.from([1, 0, 0]);
    applyPhotometric(red2, { ...NOTHING, hueDegrees: -18 });
    close(red2, [1, 0, 0.3]);
  });

  it('permutes channels: output channel c takes input channel permutation[c]', () => {
    const px = Float32Array.from([0.1, 0.5, 0.9]);
    applyPhotometric(px, { ...NOTHING, permutation: Int32Array.from([2, 0, 1]) });
    close(px, [0.9, 0.1, 0.5]);
  });

  it('refuses an image buffer of the wrong size, naming the expected size', () => {
    assert.throws(
      () => photometricDistortion(new Float32Array(10), 1, 2, 2, new SeededRandom(0)),
      /photometricDistortion: images hold 10 values, expected views \* H \* W \* 3 = 12/,
    );
  });
});
