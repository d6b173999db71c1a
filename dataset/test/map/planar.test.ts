import assert from 'node:assert/strict';
import { geos } from '../../src/map/geos.ts';
import {
  box,
  type Geometry,
  type InFrame,
  intersection,
  isCounterClockwise,
  isValid,
  lineMerge,
  lineString,
  parts,
  polygon,
  reversedRing,
  unaryUnion,
  xyOf,
} from '../../src/map/planar.ts';

const bowTie = polygon([
  [0, 0],
  [2, 2],
  [2, 0],
  [0, 2],
]);

describe('planar operations on GEOS', () => {
  it('closes rings as shapely does and refuses geometry shapely cannot build', () => {
    assert.deepEqual(xyOf(box(0, 0, 1, 2).getExteriorRing()), [
      [1, 0],
      [1, 2],
      [0, 2],
      [0, 0],
      [1, 0],
    ]);
    assert.throws(() => lineString([[0, 0]]), /line string needs 0 or at least 2 vertices, got 1/);
    assert.throws(
      () =>
        polygon([
          [0, 0],
          [1, 1],
        ]),
      /ring needs 0 or at least 4 vertices, got 3/,
    );
  });

  it('cuts, unites and merges through GEOS', () => {
    const cut = intersection(box(0, 0, 4, 4), box(2, 2, 6, 6));
    assert.equal(cut.getGeometryType(), 'Polygon');
    const union = unaryUnion([box(0, 0, 2, 2), box(1, 1, 3, 3), box(10, 10, 11, 11)]);
    assert.equal(union.getGeometryType(), 'MultiPolygon');
    assert.deepEqual(
      parts(union).map((p) => xyOf(p.getExteriorRing()).length),
      [9, 5],
    );
    const merged = lineMerge(
      unaryUnion([
        lineString([
          [0, 0],
          [1, 0],
        ]),
        lineString([
          [1, 0],
          [2, 1],
        ]),
      ]),
    );
    assert.deepEqual(xyOf(merged), [
      [0, 0],
      [1, 0],
      [2, 1],
    ]);
  });

  it("tells a ring's orientation and reverses it", () => {
    const ring = box<'lidar'>(0, 0, 1, 1).getExteriorRing() as InFrame<Geometry, 'lidar'>;
    assert.equal(isCounterClockwise(ring), true);
    assert.equal(isCounterClockwise(reversedRing(ring)), false);
  });

  it("reports GEOS's own message when it refuses an overlay of an invalid polygon", () => {
    assert.equal(isValid(bowTie), false);
    assert.throws(() => intersection(bowTie, box(0.5, -1, 3, 3)), /GEOS intersection: TopologyException/);
  });

  it('frees every GEOS object: many calls leave the WebAssembly heap its size', () => {
    const line = lineString(Array.from({ length: 4096 }, (_, i) => [i, (i * i) % 7] as const));
    lineMerge(line);
    const heapBytes = geos.Module.HEAPF64.byteLength;
    // Leaked, the copies in and out (64 kB each) would outgrow the 16 MiB heap twice over.
    for (let i = 0; i < 500; i++) lineMerge(line);
    assert.equal(geos.Module.HEAPF64.byteLength, heapBytes);
  });
});
