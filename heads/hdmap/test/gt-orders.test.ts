import assert from 'node:assert/strict';
import type { MapTrGtVector } from '@mim4d/dataset';
import { SeededRandom } from '@mim4d/nn';
import { loadHdMapConfig } from '../src/config.ts';
import { drawTargets, gtInstance } from '../src/data/gt-orders.ts';

const vector = (pts: [number, number][], cls: MapTrGtVector['cls_name'] = 'divider'): MapTrGtVector => ({
  pts,
  pts_num: pts.length,
  cls_name: cls,
  type: ['divider', 'ped_crossing', 'boundary'].indexOf(cls),
});
const patch = { halfX: 10, halfY: 20 };
const pairs = (a: Float64Array) => Array.from({ length: a.length / 2 }, (_, i) => [a[2 * i], a[2 * i + 1]]);

describe('MapTR GT orders', () => {
  it('gives an open polyline two orders, forward and reversed, resampled evenly by length', () => {
    const g = gtInstance(
      vector([
        [0, 0],
        [3, 0],
        [3, 4],
      ]),
      8,
      patch,
    );
    assert.equal(g.label, 0);
    const forward = [
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
      [3, 1],
      [3, 2],
      [3, 3],
      [3, 4],
    ];
    assert.deepEqual(pairs(g.orders[0]), forward);
    assert.deepEqual(pairs(g.orders[1]), forward.slice().reverse());
    assert.equal(g.orders.length, 2);
  });

  it('gives a closed ring one orientation starting at each original vertex, in np.roll order', () => {
    const square: [number, number][] = [
      [0, 0],
      [2, 0],
      [2, 2],
      [0, 2],
      [0, 0],
    ];
    const g = gtInstance(vector(square, 'ped_crossing'), 5, patch);
    assert.equal(g.label, 1);
    // np.roll by k starts at vertex (4 - k) mod 4: 0, 3, 2, 1.
    assert.deepEqual(
      g.orders.map((o) => pairs(o)),
      [
        [
          [0, 0],
          [2, 0],
          [2, 2],
          [0, 2],
          [0, 0],
        ],
        [
          [0, 2],
          [0, 0],
          [2, 0],
          [2, 2],
          [0, 2],
        ],
        [
          [2, 2],
          [0, 2],
          [0, 0],
          [2, 0],
          [2, 2],
        ],
        [
          [2, 0],
          [2, 2],
          [0, 2],
          [0, 0],
          [2, 0],
        ],
      ],
    );
  });

  it('clamps the resampled points to the patch', () => {
    const g = gtInstance(
      vector(
        [
          [0, 0],
          [14, 0],
        ],
        'boundary',
      ),
      3,
      patch,
    );
    assert.deepEqual(pairs(g.orders[0]), [
      [0, 0],
      [7, 0],
      [10, 0],
    ]);
  });

  it('keeps at most P - 1 orders, drawn with the run generator, normalised to the patch, the rest NaN', () => {
    const head = loadHdMapConfig('tiny').head;
    const ring: [number, number][] = Array.from({ length: 25 }, (_, k) => [
      5 * Math.cos((2 * Math.PI * k) / 25),
      5 * Math.sin((2 * Math.PI * k) / 25),
    ]);
    ring.push(ring[0]);
    const instances = [
      gtInstance(vector(ring, 'ped_crossing'), 20, patch),
      gtInstance(
        vector([
          [0, 0],
          [0, 19],
        ]),
        20,
        patch,
      ),
    ];
    assert.equal(instances[0].orders.length, 25);
    const a = drawTargets(instances, head, new SeededRandom(3));
    const b = drawTargets(instances, head, new SeededRandom(3));
    const c = drawTargets(instances, head, new SeededRandom(4));
    assert.deepEqual(
      [a.count, a.maxOrders, a.points, [...a.orderCounts], [...a.labels]],
      [2, 19, 20, [19, 2], [1, 0]],
    );
    assert.deepEqual(a.pts, b.pts);
    assert.notDeepEqual(a.pts, c.pts);
    const K = 40;
    const normalised = (o: Float64Array) =>
      Array.from(o, (v, i) => Math.fround(i % 2 === 0 ? (v + 11.2) / 22.4 : (v + 22.4) / 44.8));
    const drawn = Array.from({ length: 19 }, (_, o) => Array.from(a.pts.subarray(o * K, (o + 1) * K)));
    const candidates = instances[0].orders.map((o) => JSON.stringify(normalised(o)));
    const picked = new Set(drawn.map((d) => candidates.indexOf(JSON.stringify(d))));
    assert.ok(!picked.has(-1), 'every drawn order is one of the ring orders');
    assert.equal(picked.size, 19, 'drawn without replacement');
    const line = 19 * K;
    assert.deepEqual(Array.from(a.pts.subarray(line, line + K)), normalised(instances[1].orders[0]));
    assert.ok(a.pts.subarray(line + 2 * K, 2 * line).every(Number.isNaN));
  });
});
