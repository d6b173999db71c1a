import { PNG } from 'pngjs';
import { inKerbFillet, type KerbCorner, kerbCorners } from './kerbs.ts';
import { bendSwing, type RoadBend, unbendFrame, unbendWith } from './road-bends.ts';
import { junctionEdge, type Rect, roadHalfWidth, type Town, travelSideSign, turnLaneStart } from './town.ts';

/** What the ground is made of at a point; indexes MATERIAL_COLOURS and MATERIAL_LIDAR_INTENSITY. */
export const MATERIAL = {
  grass: 0,
  asphalt: 1,
  sidewalk: 2,
  carpark: 3,
  whitePaint: 4,
  yellowPaint: 5,
  concrete: 6,
} as const;

/** Linear RGB in [0, 1] per material. */
export const MATERIAL_COLOURS: readonly (readonly [number, number, number])[] = [
  [0.3, 0.45, 0.22],
  [0.3, 0.3, 0.32],
  [0.62, 0.6, 0.56],
  [0.36, 0.35, 0.35],
  [0.92, 0.92, 0.9],
  [0.9, 0.75, 0.2],
  [0.55, 0.54, 0.52],
];

/** LiDAR return intensity (0..255) per material: paint is retro-reflective, asphalt dark. */
export const MATERIAL_LIDAR_INTENSITY: readonly number[] = [12, 6, 20, 8, 90, 80, 18];

/** Ground raster resolution, metres per cell: the resolution of nuScenes' semantic-prior map masks. */
export const GROUND_RESOLUTION = 0.1;

/** Material per 0.1 m cell; row 0 is the southern edge (y = 0), column 0 the western (x = 0). */
export interface GroundRaster {
  cells: number;
  data: Uint8Array;
}

export function rasteriseGround(town: Town): GroundRaster {
  const cells = Math.round(town.size / GROUND_RESOLUTION);
  const data = new Uint8Array(cells * cells).fill(MATERIAL.grass);
  const fill = (r: Rect, material: number) => fillRect(data, cells, r, material);
  for (const block of town.blocks) {
    if (block.kind === 'buildings') fill(block.rect, MATERIAL.concrete);
    if (block.carpark) {
      fill(block.carpark.rect, MATERIAL.carpark);
      paintCarparkBays(block.carpark.rect, block.carpark.baysAlongX, (r) => fill(r, MATERIAL.whitePaint));
    }
  }
  for (const w of town.walkways) fill(w, MATERIAL.sidewalk);
  const corners = kerbCorners(town);
  for (const c of corners) fill(cornerSquare(town, c), MATERIAL.sidewalk);
  for (const s of town.segments) fill(s.rect, MATERIAL.asphalt);
  for (const r of town.intersections) fill(r, MATERIAL.asphalt);
  for (const c of corners) fillKerbFillet(data, cells, town, c, MATERIAL.asphalt);

  const half = roadHalfWidth(town);
  const dividerPaint = town.driveSide === 'right' ? MATERIAL.yellowPaint : MATERIAL.whitePaint;
  for (const s of town.segments) {
    const line = (
      offset: number,
      width: number,
      material: number,
      dash?: readonly [number, number],
      [from, to] = [s.from, s.to],
    ) => {
      const lo = s.centre + offset - width / 2;
      const hi = s.centre + offset + width / 2;
      const step = dash ? dash[0] + dash[1] : to - from;
      for (let a = from; a < to; a += step) {
        const b = Math.min(to, a + (dash ? dash[0] : step));
        fill(s.axis === 'x' ? { x0: a, y0: lo, x1: b, y1: hi } : { x0: lo, y0: a, x1: hi, y1: b }, material);
      }
    };
    line(-0.15, 0.12, dividerPaint);
    line(0.15, 0.12, dividerPaint);
    for (let lane = 1; lane < town.lanesPerDirection; lane++) {
      line(lane * town.laneWidth, 0.15, MATERIAL.whitePaint, [3, 6]);
      line(-lane * town.laneWidth, 0.15, MATERIAL.whitePaint, [3, 6]);
    }
    // Beside a turn lane the dashes give way to a solid line, on to the crossing (whose zebra is painted over it).
    for (const direction of [1, -1] as const) {
      const start = turnLaneStart(town, s, direction);
      if (start === undefined) continue;
      const edge = junctionEdge(s, direction);
      const offset = travelSideSign(s.axis, direction, town.driveSide) * town.laneWidth;
      line(offset, 0.15, MATERIAL.whitePaint, undefined, [Math.min(start, edge), Math.max(start, edge)]);
    }
    line(half - 0.3, 0.15, MATERIAL.whitePaint);
    line(-(half - 0.3), 0.15, MATERIAL.whitePaint);
  }
  for (const c of town.crossings) {
    const s = town.segments[c.segmentId];
    fill(c.rect, MATERIAL.asphalt);
    // Zebra stripes run with the traffic, 0.5 m wide every 1 m across the road.
    for (let o = -half + 0.25; o + 0.5 <= half; o += 1) {
      const stripe =
        s.axis === 'x'
          ? { x0: c.rect.x0, y0: s.centre + o, x1: c.rect.x1, y1: s.centre + o + 0.5 }
          : { x0: s.centre + o, y0: c.rect.y0, x1: s.centre + o + 0.5, y1: c.rect.y1 };
      fill(stripe, MATERIAL.whitePaint);
    }
    fill(c.stopLine, MATERIAL.whitePaint);
  }
  bendRaster(town, data, cells, MATERIAL.grass);
  return { cells, data };
}

/**
 * Bends the roads of a raster drawn as the straight town: each cell of a bent strip takes the value of the cell
 * it came from (paint, dashes and sidewalk follow the road), and where the strip lay before it swung away
 * becomes `cleared`.
 */
function bendRaster(town: Town, data: Uint8Array, cells: number, cleared: number): void {
  const cellOf = (v: number) => cellIndex(cells, v);
  // Every bend reads the straight raster: each strip's cells are copied before any bend writes (copying the whole
  // raster, 14-18 MB of fresh pages, cost a third of the bending).
  const strips = town.bends.map((bend) => straightStrip(data, cells, bend));
  const from = new Float64Array(2);
  town.bends.forEach((bend, b) => {
    const strip = strips[b];
    const frame = unbendFrame(bend);
    const swing = bendSwing(bend);
    const [v0, v1] = bend.side > 0 ? [-bend.reach, swing + bend.reach] : [-swing - bend.reach, bend.reach];
    const { from: start, centre, reach } = bend;
    const length = bend.to - start;
    const alongX = bend.axis === 'x';
    // Cells by (along, across) index, visited row by row in memory order: each is written once per bend, from
    // the straight strip, so the order changes nothing.
    const [i0, i1, j0, j1] = [cellOf(start), cellOf(bend.to), cellOf(centre + v0), cellOf(centre + v1)];
    const [r0, r1, c0, c1] = alongX ? [j0, j1, i0, i1] : [i0, i1, j0, j1];
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const u = ((alongX ? col : row) + 0.5) * GROUND_RESOLUTION - start;
        const v = ((alongX ? row : col) + 0.5) * GROUND_RESOLUTION - centre;
        const cell = row * cells + col;
        if (unbendWith(frame, u, v, from)) {
          data[cell] =
            strip.data[
              (cellOf(start + from[0]) - strip.i0) * strip.width + cellOf(centre + from[1]) - strip.j0
            ];
        } else if (u > 0 && u < length && Math.abs(v) <= reach) data[cell] = cleared;
      }
    }
  });
}

/** Index of the cell holding coordinate v (metres), clamped to the raster. */
function cellIndex(cells: number, v: number): number {
  return Math.min(cells - 1, Math.max(0, Math.floor(v / GROUND_RESOLUTION)));
}

/** A copy of the cells of a bend's straight strip: along-axis index i0.., across index j0.. (width of them). */
function straightStrip(
  data: Uint8Array,
  cells: number,
  bend: RoadBend,
): { data: Uint8Array; i0: number; j0: number; width: number } {
  const [i0, i1] = [cellIndex(cells, bend.from), cellIndex(cells, bend.to)];
  const [j0, j1] = [cellIndex(cells, bend.centre - bend.reach), cellIndex(cells, bend.centre + bend.reach)];
  const width = j1 - j0 + 1;
  const out = new Uint8Array((i1 - i0 + 1) * width);
  const [stepAlong, stepAcross] = bend.axis === 'x' ? [1, cells] : [cells, 1];
  for (let i = i0; i <= i1; i++) {
    for (let j = j0; j <= j1; j++) out[(i - i0) * width + j - j0] = data[i * stepAlong + j * stepAcross];
  }
  return { data: out, i0, j0, width };
}

/** Calls `paint` for each bay line of a carpark: 0.12 m lines every 2.7 m, rows 5.5 m deep either side of an aisle. */
export function paintCarparkBays(area: Rect, baysAlongX: boolean, paint: (r: Rect) => void): void {
  const along0 = baysAlongX ? area.x0 : area.y0;
  const along1 = baysAlongX ? area.x1 : area.y1;
  for (const row of carparkRows(area, baysAlongX)) {
    for (let a = along0 + 1; a <= along1 - 1; a += 2.7) {
      paint(
        baysAlongX
          ? { x0: a, y0: row.lo, x1: a + 0.12, y1: row.hi }
          : { x0: row.lo, y0: a, x1: row.hi, y1: a + 0.12 },
      );
    }
  }
}

/** Rows of parking bays across the carpark: [lo, hi] on the axis across the bays, metres. */
export function carparkRows(area: Rect, baysAlongX: boolean): { lo: number; hi: number }[] {
  const across0 = baysAlongX ? area.y0 : area.x0;
  const across1 = baysAlongX ? area.y1 : area.x1;
  const rows: { lo: number; hi: number }[] = [];
  // Pattern: row, aisle (6.5 m), row, gap 1 m, repeating.
  for (let c = across0 + 1; c + 5.5 <= across1 - 1; ) {
    rows.push({ lo: c, hi: c + 5.5 });
    c += 5.5;
    if (rows.length % 2 === 1) c += 6.5;
    else c += 1;
  }
  return rows;
}

/** The square of sidewalk at a junction's corner, between the two roads' sidewalks. */
function cornerSquare(town: Pick<Town, 'walkwayWidth'>, c: KerbCorner): Rect {
  const [x1, y1] = [c.x + c.sx * town.walkwayWidth, c.y + c.sy * town.walkwayWidth];
  return { x0: Math.min(c.x, x1), y0: Math.min(c.y, y1), x1: Math.max(c.x, x1), y1: Math.max(c.y, y1) };
}

/** Sets the cells whose centres lie in the corner's kerb fillet. */
function fillKerbFillet(data: Uint8Array, cells: number, town: Town, c: KerbCorner, value: number): void {
  const square = cornerSquare({ walkwayWidth: town.kerbRadius }, c);
  const c0 = Math.max(0, Math.floor(square.x0 / GROUND_RESOLUTION));
  const c1 = Math.min(cells, Math.ceil(square.x1 / GROUND_RESOLUTION));
  const r0 = Math.max(0, Math.floor(square.y0 / GROUND_RESOLUTION));
  const r1 = Math.min(cells, Math.ceil(square.y1 / GROUND_RESOLUTION));
  for (let row = r0; row < r1; row++) {
    for (let col = c0; col < c1; col++) {
      const [x, y] = [(col + 0.5) * GROUND_RESOLUTION, (row + 0.5) * GROUND_RESOLUTION];
      if (inKerbFillet(town, c, x, y)) data[row * cells + col] = value;
    }
  }
}

function fillRect(data: Uint8Array, cells: number, r: Rect, value: number): void {
  const c0 = Math.max(0, Math.round(r.x0 / GROUND_RESOLUTION));
  const c1 = Math.min(cells, Math.round(r.x1 / GROUND_RESOLUTION));
  const r0 = Math.max(0, Math.round(r.y0 / GROUND_RESOLUTION));
  const r1 = Math.min(cells, Math.round(r.y1 / GROUND_RESOLUTION));
  for (let row = r0; row < r1; row++) data.fill(value, row * cells + c0, row * cells + c1);
}

/**
 * The map table's semantic-prior mask: 8-bit greyscale PNG at 10 px/m, 255 on the drivable area, with the image's
 * top row at the map's northern edge (how the devkit's MapMask reads it).
 */
export function basemapPng(town: Town): Buffer {
  const cells = Math.round(town.size / GROUND_RESOLUTION);
  const south = new Uint8Array(cells * cells);
  for (const r of [...town.segments.map((s) => s.rect), ...town.intersections])
    fillRect(south, cells, r, 255);
  for (const c of kerbCorners(town)) fillKerbFillet(south, cells, town, c, 255);
  bendRaster(town, south, cells, 0);
  const data = Buffer.alloc(cells * cells);
  for (let row = 0; row < cells; row++) {
    data.set(south.subarray(row * cells, (row + 1) * cells), (cells - 1 - row) * cells);
  }
  const png = new PNG({ width: cells, height: cells, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = data;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, filterType: 0 });
}
