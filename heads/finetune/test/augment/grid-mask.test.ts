import assert from 'node:assert/strict';
import { SeededRandom } from '@mim4d/nn';
import { drawGridMask, gridMask } from '../../src/augment/grid-mask.ts';

const FILL = [0.485, 0.456, 0.406] as const;

/** Lengths of the runs of equal values in `line`, as [value, length] pairs. */
function runs(line: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const v of line) {
    const last = out[out.length - 1];
    if (last && last[0] === v) last[1]++;
    else out.push([v, 1]);
  }
  return out;
}

describe('gridMask', () => {
  const [H, W] = [32, 56];

  it('fills a grid of squares: the product of filled rows and filled columns, with one period', () => {
    const rng = new SeededRandom(1);
    for (let trial = 0; trial < 200; trial++) {
      const mask = drawGridMask(H, W, rng, 1);
      assert.ok(mask !== null);
      const rowFilled = Array.from({ length: H }, (_, y) =>
        mask.subarray(y * W, (y + 1) * W).some((v) => v) ? 1 : 0,
      );
      const colFilled = Array.from({ length: W }, (_, x) =>
        rowFilled.some((_, y) => mask[y * W + x]) ? 1 : 0,
      );
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++)
          assert.equal(mask[y * W + x], rowFilled[y] & colFilled[x], `(${y}, ${x})`);
      }
      // Interior runs (not touching the crop edges) repeat with one period d: filled d − l, stripe l = round(d/2).
      for (const line of [rowFilled, colFilled]) {
        const inner = runs(line).slice(1, -1);
        const filled = new Set(inner.filter(([v]) => v === 1).map(([, n]) => n));
        const striped = new Set(inner.filter(([v]) => v === 0).map(([, n]) => n));
        assert.ok(filled.size <= 1 && striped.size <= 1, JSON.stringify(runs(line)));
        if (filled.size === 1 && striped.size === 1) {
          const [f] = filled;
          const [s] = striped;
          assert.ok(s - f === 0 || s - f === 1, `filled ${f}, stripe ${s}`);
        }
      }
    }
  });

  it('covers about a quarter of the image on average (squares of half the period)', () => {
    const rng = new SeededRandom(2);
    let covered = 0;
    const n = 400;
    for (let trial = 0; trial < n; trial++) {
      const mask = drawGridMask(H, W, rng, 1);
      assert.ok(mask !== null);
      covered += mask.reduce((a, v) => a + v, 0) / (H * W);
    }
    const mean = covered / n;
    assert.ok(mean > 0.18 && mean < 0.3, `mean coverage ${mean}`);
  });

  it('masks with probability prob', () => {
    const rng = new SeededRandom(3);
    let masked = 0;
    for (let trial = 0; trial < 2000; trial++) if (drawGridMask(H, W, rng, 0.7) !== null) masked++;
    assert.ok(Math.abs(masked / 2000 - 0.7) < 0.03, `${masked} of 2000`);
    assert.equal(drawGridMask(H, W, new SeededRandom(4), 0), null);
  });

  it('writes the fill colour into the same pixels of every view and leaves the others alone', () => {
    const views = 3;
    const rng = new SeededRandom(5);
    const images = Float32Array.from({ length: views * H * W * 3 }, () => rng.next());
    const before = images.slice();
    const mask = gridMask(images, views, H, W, new SeededRandom(6), { prob: 1, fill: FILL });
    assert.ok(mask !== null);
    for (let v = 0; v < views; v++) {
      for (let i = 0; i < H * W; i++) {
        for (let c = 0; c < 3; c++) {
          const k = (v * H * W + i) * 3 + c;
          assert.equal(images[k], mask[i] ? Math.fround(FILL[c]) : before[k]);
        }
      }
    }
  });

  it('repeats for the same seed', () => {
    const a = drawGridMask(H, W, new SeededRandom(7), 1);
    const b = drawGridMask(H, W, new SeededRandom(7), 1);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, drawGridMask(H, W, new SeededRandom(8), 1));
  });

  it('names bad options', () => {
    const images = new Float32Array(H * W * 3);
    assert.throws(
      () => gridMask(images, 1, H, W, new SeededRandom(0), { prob: 2, fill: FILL }),
      /prob must be in \[0, 1\], got 2/,
    );
    assert.throws(
      () =>
        gridMask(images, 1, H, W, new SeededRandom(0), {
          fill: [0, 0] as unknown as [number, number, number],
        }),
      /fill must be 3 finite RGB values, got \[0,0\]/,
    );
    assert.throws(() => drawGridMask(2, 5, new SeededRandom(0)), /H must be an integer >= 3, got 2/);
  });
});
