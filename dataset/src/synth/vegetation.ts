import { BUILDING_STYLES, type TownStyles } from './building-styles.ts';
import { GROUND_RESOLUTION, type GroundRaster, MATERIAL } from './ground.ts';
import type { Random } from './random.ts';
import type { Rect, Town } from './town.ts';

type Rgb = readonly [number, number, number];

/**
 * One solid box of a plant, global frame, metres: a trunk, a tier of a tree's crown or a length of hedge. Plants
 * are static scenery as buildings are: they occlude, shade and return LiDAR points, and nuScenes annotates none.
 */
export interface PlantPart {
  plant: 'tree' | 'hedge';
  surface: 'foliage' | 'bark';
  cx: number;
  cy: number;
  /** Half sizes along the part's own x and y (rotated by yaw about z). */
  hx: number;
  hy: number;
  yaw: number;
  /** Bottom and top above the ground. */
  z0: number;
  z1: number;
  colour: Rgb;
}

/**
 * Parts whose bottom is at least this high may hang over sidewalks and carparks: above the tallest agent found
 * there (a pedestrian, at most 1.9 m), with room to spare. Lower parts stand only on grass or a block's paving.
 */
export const CANOPY_CLEARANCE_M = 2.6;

const FOLIAGE: readonly Rgb[] = [
  [0.16, 0.3, 0.1],
  [0.22, 0.36, 0.12],
  [0.27, 0.38, 0.14],
  [0.18, 0.27, 0.13],
  [0.3, 0.33, 0.12],
];
const BARK: Rgb = [0.28, 0.21, 0.15];
const HEDGE: Rgb = [0.15, 0.28, 0.11];

/** Ground a low part may stand on; the rest (roads, sidewalks, carpark bays, paint) is where agents move. */
const LOW_GROUND = new Set<number>([MATERIAL.grass, MATERIAL.concrete]);
/** Ground nothing may hang over at any height: the roads, where buses and trucks drive. */
const ROAD_GROUND = new Set<number>([MATERIAL.asphalt, MATERIAL.whitePaint, MATERIAL.yellowPaint]);

/**
 * The town's trees and hedges: parks get hedges round their edges (with an entrance in each side) and trees
 * scattered inside, carparks a row of trees or a hedge in their margin, and building blocks street trees in front
 * of some sides (how often depends on the block's style), crowns clear of the facades. Every part is checked
 * against the ground raster, so none stands on a road, a sidewalk or a carpark bay and none hangs over a road.
 */
export function plantVegetation(
  town: Pick<Town, 'blocks' | 'size'>,
  styles: TownStyles,
  ground: GroundRaster,
  random: Random,
): PlantPart[] {
  const parts: PlantPart[] = [];
  const fits = (candidate: readonly PlantPart[], buildings: readonly Rect[]) =>
    candidate.every(
      (p) =>
        groundAllows(ground, p) && buildings.every((b) => !rectsOverlap(partBounds(p), b)) && inMap(town, p),
    );
  town.blocks.forEach((block, b) => {
    const buildings = block.buildings.map((x) => x.rect);
    if (block.kind === 'park') {
      for (const hedge of edgeHedges(block.rect, 0.8, random))
        if (fits([hedge], buildings)) parts.push(hedge);
      const trees: [number, number][] = [];
      const r = block.rect;
      const inner = { x0: r.x0 + 4, y0: r.y0 + 4, x1: r.x1 - 4, y1: r.y1 - 4 };
      const tries = Math.floor(((inner.x1 - inner.x0) * (inner.y1 - inner.y0)) / 160);
      for (let k = 0; k < tries; k++) {
        const x = random.uniform(inner.x0, inner.x1);
        const y = random.uniform(inner.y0, inner.y1);
        const tree = parkTree(x, y, random);
        if (trees.some(([tx, ty]) => Math.hypot(tx - x, ty - y) < 7) || !fits(tree, buildings)) continue;
        trees.push([x, y]);
        parts.push(...tree);
      }
      return;
    }
    const chance =
      block.kind === 'carpark' ? 0.75 : BUILDING_STYLES[styles.blocks[b] ?? 'concrete'].streetTrees;
    for (const side of blockSides(town, block.rect)) {
      if (!random.chance(chance)) continue;
      if (block.kind === 'carpark' && random.chance(0.35)) {
        const hedge = sideHedge(side, random);
        if (fits([hedge], buildings)) parts.push(hedge);
        continue;
      }
      for (let s = side.from + random.uniform(3, 6); s < side.to - 3; s += random.uniform(12, 17)) {
        const tree = streetTree(side, s, buildings, random);
        if (tree && fits(tree, buildings)) parts.push(...tree);
      }
    }
  });
  return parts;
}

/** A side of a block that faces a street, in the block's own terms: along which axis, and which way is inward. */
interface BlockSide {
  axis: 'x' | 'y';
  /** The block edge's coordinate across the axis, and the inward sign (+1: inward is +across). */
  edge: number;
  inward: 1 | -1;
  from: number;
  to: number;
}

function blockSides(town: Pick<Town, 'size'>, r: Rect): BlockSide[] {
  const sides: BlockSide[] = [
    { axis: 'x', edge: r.y0, inward: 1, from: r.x0, to: r.x1 },
    { axis: 'x', edge: r.y1, inward: -1, from: r.x0, to: r.x1 },
    { axis: 'y', edge: r.x0, inward: 1, from: r.y0, to: r.y1 },
    { axis: 'y', edge: r.x1, inward: -1, from: r.y0, to: r.y1 },
  ];
  // A side on the map's edge faces no street.
  return sides.filter((s) => s.edge > 0 && s.edge < town.size);
}

/** Where street trees and margin hedges stand: this far inside the block, in the margin before its contents. */
const MARGIN_LINE_M = 1;

function sideRect(side: BlockSide, a0: number, a1: number, c0: number, c1: number): Rect {
  // c0, c1: distances inward from the block edge.
  const p = side.edge + side.inward * c0;
  const q = side.edge + side.inward * c1;
  const [lo, hi] = [Math.min(p, q), Math.max(p, q)];
  return side.axis === 'x' ? { x0: a0, y0: lo, x1: a1, y1: hi } : { x0: lo, y0: a0, x1: hi, y1: a1 };
}

function boxPart(
  plant: PlantPart['plant'],
  surface: PlantPart['surface'],
  r: Rect,
  z0: number,
  z1: number,
  colour: Rgb,
): PlantPart {
  return {
    plant,
    surface,
    cx: (r.x0 + r.x1) / 2,
    cy: (r.y0 + r.y1) / 2,
    hx: (r.x1 - r.x0) / 2,
    hy: (r.y1 - r.y0) / 2,
    yaw: 0,
    z0,
    z1,
    colour,
  };
}

function sideHedge(side: BlockSide, random: Random): PlantPart {
  const r = sideRect(side, side.from + 1.5, side.to - 1.5, MARGIN_LINE_M - 0.4, MARGIN_LINE_M + 0.4);
  return boxPart('hedge', 'foliage', r, 0, random.uniform(0.9, 1.3), tint(HEDGE, random));
}

/** Hedges `inset` metres inside a rectangle's edges, each side cut by a 5 m entrance in its middle. */
function edgeHedges(r: Rect, inset: number, random: Random): PlantPart[] {
  const hedges: PlantPart[] = [];
  const t = 0.45;
  const height = random.uniform(0.9, 1.4);
  const colour = tint(HEDGE, random);
  for (const [axis, c] of [
    ['x', r.y0 + inset],
    ['x', r.y1 - inset],
    ['y', r.x0 + inset],
    ['y', r.x1 - inset],
  ] as const) {
    const [a0, a1] =
      axis === 'x' ? [r.x0 + inset + t, r.x1 - inset - t] : [r.y0 + inset + t, r.y1 - inset - t];
    const mid = (a0 + a1) / 2;
    for (const [from, to] of [
      [a0, mid - 2.5],
      [mid + 2.5, a1],
    ]) {
      if (to - from < 2) continue;
      const rect =
        axis === 'x'
          ? { x0: from, y0: c - t, x1: to, y1: c + t }
          : { x0: c - t, y0: from, x1: c + t, y1: to };
      hedges.push(boxPart('hedge', 'foliage', rect, 0, height, colour));
    }
  }
  return hedges;
}

/** A free-grown park tree: trunk, a broad lower crown and a narrower upper tier turned 45 degrees to it. */
function parkTree(x: number, y: number, random: Random): PlantPart[] {
  const trunk = random.uniform(0.15, 0.25);
  const base = random.uniform(1.8, 3.2);
  const half = random.uniform(1.5, 2.8);
  const lower = random.uniform(1.8, 3);
  const upper = random.uniform(1, 2);
  const yaw = random.uniform(0, Math.PI / 2);
  const colour = tint(random.pick(FOLIAGE), random);
  return [
    {
      plant: 'tree',
      surface: 'bark',
      cx: x,
      cy: y,
      hx: trunk,
      hy: trunk,
      yaw,
      z0: 0,
      z1: base,
      colour: BARK,
    },
    {
      plant: 'tree',
      surface: 'foliage',
      cx: x,
      cy: y,
      hx: half,
      hy: half,
      yaw,
      z0: base,
      z1: base + lower,
      colour,
    },
    {
      plant: 'tree',
      surface: 'foliage',
      cx: x,
      cy: y,
      hx: half * 0.65,
      hy: half * 0.65,
      yaw: yaw + Math.PI / 4,
      z0: base + lower,
      z1: base + lower + upper,
      colour,
    },
  ];
}

/**
 * A street tree at `along` on a block side: trunk on the margin line, crown lifted above the sidewalk's clearance
 * and cut back where a facade stands behind it (as street trees are pruned). Undefined when too little crown is left.
 */
function streetTree(
  side: BlockSide,
  along: number,
  buildings: readonly Rect[],
  random: Random,
): PlantPart[] | undefined {
  const trunk = random.uniform(0.14, 0.22);
  const base = random.uniform(CANOPY_CLEARANCE_M + 0.2, 3.6);
  const half = random.uniform(1.2, 2);
  const lower = random.uniform(1.8, 3);
  const upper = random.uniform(0.8, 1.6);
  // Inward reach of the crown: up to the nearest facade behind it, less 0.15 m.
  let inner = MARGIN_LINE_M + half;
  for (const b of buildings) {
    const r = sideRect(side, along - half, along + half, 0, inner);
    if (!rectsOverlap(r, b)) continue;
    const face = side.axis === 'x' ? (side.inward > 0 ? b.y0 : b.y1) : side.inward > 0 ? b.x0 : b.x1;
    inner = Math.min(inner, Math.abs(face - side.edge) - 0.15);
  }
  if (inner < MARGIN_LINE_M + 0.5) return undefined;
  const outer = MARGIN_LINE_M - half;
  const colour = tint(random.pick(FOLIAGE), random);
  const crown = sideRect(side, along - half, along + half, outer, inner);
  const mid = (outer + inner) / 2;
  const top = sideRect(
    side,
    along - half * 0.65,
    along + half * 0.65,
    mid - (inner - outer) * 0.33,
    mid + (inner - outer) * 0.33,
  );
  const stem = sideRect(side, along - trunk, along + trunk, MARGIN_LINE_M - trunk, MARGIN_LINE_M + trunk);
  return [
    boxPart('tree', 'bark', stem, 0, base, BARK),
    boxPart('tree', 'foliage', crown, base, base + lower, colour),
    boxPart('tree', 'foliage', top, base + lower, base + lower + upper, colour),
  ];
}

function tint(colour: Rgb, random: Random): Rgb {
  const k = random.uniform(0.85, 1.15);
  return [colour[0] * k, colour[1] * k, colour[2] * k];
}

/** Axis-aligned bounds of a part's rotated footprint. */
function partBounds(p: PlantPart): Rect {
  const c = Math.abs(Math.cos(p.yaw));
  const s = Math.abs(Math.sin(p.yaw));
  const ex = c * p.hx + s * p.hy;
  const ey = s * p.hx + c * p.hy;
  return { x0: p.cx - ex, y0: p.cy - ey, x1: p.cx + ex, y1: p.cy + ey };
}

function rectsOverlap(a: Rect, b: Rect): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

function inMap(town: Pick<Town, 'size'>, p: PlantPart): boolean {
  const r = partBounds(p);
  return r.x0 >= 0 && r.y0 >= 0 && r.x1 <= town.size && r.y1 <= town.size;
}

/**
 * Whether the ground under the part's footprint bounds lets it stand there: low parts only on grass or block
 * paving, canopy parts anywhere but over a road.
 */
function groundAllows(ground: GroundRaster, p: PlantPart): boolean {
  const allowed = (material: number) =>
    p.z0 >= CANOPY_CLEARANCE_M ? !ROAD_GROUND.has(material) : LOW_GROUND.has(material);
  return everyCell(ground, partBounds(p), allowed);
}

/** Whether `test` holds for the material of every ground cell that the rectangle touches. */
function everyCell(ground: GroundRaster, r: Rect, test: (material: number) => boolean): boolean {
  const { cells, data } = ground;
  const c0 = Math.max(0, Math.floor(r.x0 / GROUND_RESOLUTION));
  const c1 = Math.min(cells - 1, Math.floor(r.x1 / GROUND_RESOLUTION));
  const r0 = Math.max(0, Math.floor(r.y0 / GROUND_RESOLUTION));
  const r1 = Math.min(cells - 1, Math.floor(r.y1 / GROUND_RESOLUTION));
  for (let row = r0; row <= r1; row++) {
    for (let col = c0; col <= c1; col++) if (!test(data[row * cells + col])) return false;
  }
  return true;
}
