import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { validateMapExpansion } from '../../src/map/expansion-validate.ts';
import { MapExpansion } from '../../src/map/map-expansion.ts';
import { mapTrGtVectorsInPatch } from '../../src/map/maptr-vectors.ts';
import { basemapPng, GROUND_RESOLUTION, MATERIAL, rasteriseGround } from '../../src/synth/ground.ts';
import { kerbCorners } from '../../src/synth/kerbs.ts';
import { buildMapExpansion } from '../../src/synth/map-expansion.ts';
import { Random } from '../../src/synth/random.ts';
import { tokenFactory } from '../../src/synth/tokens.ts';
import { buildTown } from '../../src/synth/town.ts';

const town = buildTown('boston-seaport', new Random(5).fork('town'));

/** Sum of the turns under 30 degrees along a polyline, degrees (a square corner adds nothing). */
function gentleTurningDeg(pts: readonly (readonly [number, number])[]): number {
  let total = 0;
  for (let i = 1; i + 1 < pts.length; i++) {
    const [ax, ay] = [pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]];
    const [bx, by] = [pts[i + 1][0] - pts[i][0], pts[i + 1][1] - pts[i][1]];
    const turn = Math.abs(Math.atan2(ax * by - ay * bx, ax * bx + ay * by)) * (180 / Math.PI);
    if (turn < 30) total += turn;
  }
  return total;
}

describe('rounded kerbs at junctions', () => {
  it("bends MapTR's road boundaries round every junction corner in gentle steps; a T junction's closed side stays straight", () => {
    const json = buildMapExpansion(town, tokenFactory(5));
    const map = new MapExpansion(
      town.location,
      validateMapExpansion(structuredClone(json), 'synth'),
      'synth',
    );
    let tJunctions = 0;
    for (const [i, r] of town.intersections.entries()) {
      const arms = Object.values(town.arms[i]).filter(Boolean).length;
      if (arms === 3) tJunctions++;
      // 30 m square: the roads leaving the junction run straight for 18 m from its centre before any bend.
      const patch = { x: (r.x0 + r.x1) / 2, y: (r.y0 + r.y1) / 2, height: 30, width: 30, angleDeg: 0 };
      const boundaries = mapTrGtVectorsInPatch(map, patch).filter((v) => v.cls_name === 'boundary');
      const turned = boundaries.map((b) => gentleTurningDeg(b.pts));
      // An X junction has four kerbs, each round a corner; a T two round corners and one straight across.
      assert.equal(boundaries.length, arms);
      assert.equal(turned.filter((deg) => Math.abs(deg - 90) < 1e-6).length, arms === 4 ? 4 : 2, `${turned}`);
      assert.equal(turned.filter((deg) => deg < 1e-6).length, arms === 4 ? 0 : 1, `${turned}`);
    }
    assert.ok(tJunctions > 0, 'no T junction in the town');
  });

  it('paints the fillet as road in the ground raster and the basemap, and keeps the rest of the corner sidewalk', () => {
    const ground = rasteriseGround(town);
    const basemap = PNG.sync.read(basemapPng(town));
    const r = town.kerbRadius;
    const cell = (x: number, y: number) =>
      Math.floor(y / GROUND_RESOLUTION) * ground.cells + Math.floor(x / GROUND_RESOLUTION);
    // The basemap's top row is the map's northern edge.
    const drivable = (x: number, y: number) =>
      basemap.data[
        ((ground.cells - 1 - Math.floor(y / GROUND_RESOLUTION)) * ground.cells +
          Math.floor(x / GROUND_RESOLUTION)) *
          4
      ] === 255;
    for (const c of kerbCorners(town)) {
      const at = (u: number, v: number) => [c.x + c.sx * u, c.y + c.sy * v] as const;
      // Just off the old square corner (now road), and just inside the arc (still sidewalk).
      const road = at(0.3, 0.3);
      const kerbside = at(r * 0.35, r * 0.35);
      assert.equal(ground.data[cell(...road)], MATERIAL.asphalt);
      assert.equal(ground.data[cell(...kerbside)], MATERIAL.sidewalk);
      assert.ok(drivable(...road) && !drivable(...kerbside));
    }
  });
});
