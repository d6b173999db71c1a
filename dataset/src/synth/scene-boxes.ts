import { type Agent, agentPose } from './agents.ts';
import type { TownStyles } from './building-styles.ts';
import type { Town } from './town.ts';
import type { PlantPart } from './vegetation.ts';

/** Floats per box in SceneBoxes.data. */
export const BOX_STRIDE = 22;
/** Field offsets within a box's record. */
export const BOX = {
  cx: 0,
  cy: 1,
  cz: 2,
  hx: 3,
  hy: 4,
  hz: 5,
  cos: 6,
  sin: 7,
  r: 8,
  g: 9,
  b: 10,
  /** Agent id, or -1 for scenery (buildings, plants). */
  owner: 11,
  /** LiDAR return intensity 0..255. */
  intensity: 12,
  /** How the camera textures the box: one of SURFACE (0, plain, for agents). */
  surface: 13,
  /** Facades: storey height and window bay width (metres), window width and height as fractions of them. */
  floorM: 14,
  bayM: 15,
  windowWidth: 16,
  windowHeight: 17,
  /** Facades: height of the street-level shop-window band, metres (0: none). */
  shopfrontM: 18,
  /** Facades: glass colour (linear RGB). */
  glassR: 19,
  glassG: 20,
  glassB: 21,
} as const;

/** Values of a box's BOX.surface. */
export const SURFACE = { plain: 0, facade: 1, foliage: 2, bark: 3 } as const;

/**
 * Every solid box in the world at one instant, in the global frame (metres), yaw-rotated about z, flattened into a
 * Float64Array so that the ray casters' inner loops touch no objects.
 */
export interface SceneBoxes {
  count: number;
  data: Float64Array;
}

const INTENSITY: Record<Agent['kind'], number> = {
  car: 45,
  truck: 40,
  bus: 40,
  pedestrian: 20,
  cyclist: 25,
  bicycle: 30,
  cone: 110,
  barrier: 70,
};
/** LiDAR return intensity of leaves (which scatter the beam) and of bark. */
const FOLIAGE_INTENSITY = 16;
const BARK_INTENSITY = 28;

/**
 * Buildings and plants never move: built once per town and prepended to every instant's boxes. Each building takes
 * its facade (colour, window grid, glass) from the town's styles.
 */
export function townBoxes(
  town: Pick<Town, 'blocks'>,
  styles: TownStyles,
  plants: readonly PlantPart[],
): Float64Array {
  const buildings = town.blocks.flatMap((b, k) =>
    b.buildings.map((building, i) => ({ building, facade: styles.facades[k][i] })),
  );
  const data = new Float64Array((buildings.length + plants.length) * BOX_STRIDE);
  buildings.forEach(({ building: b, facade }, i) => {
    const o = i * BOX_STRIDE;
    const { style, colour } = facade;
    data[o + BOX.cx] = (b.rect.x0 + b.rect.x1) / 2;
    data[o + BOX.cy] = (b.rect.y0 + b.rect.y1) / 2;
    data[o + BOX.cz] = b.height / 2;
    data[o + BOX.hx] = (b.rect.x1 - b.rect.x0) / 2;
    data[o + BOX.hy] = (b.rect.y1 - b.rect.y0) / 2;
    data[o + BOX.hz] = b.height / 2;
    data[o + BOX.cos] = 1;
    data[o + BOX.sin] = 0;
    data[o + BOX.r] = colour[0];
    data[o + BOX.g] = colour[1];
    data[o + BOX.b] = colour[2];
    data[o + BOX.owner] = -1;
    data[o + BOX.intensity] = style.intensity;
    data[o + BOX.surface] = SURFACE.facade;
    data[o + BOX.floorM] = style.floorM;
    data[o + BOX.bayM] = style.bayM;
    data[o + BOX.windowWidth] = style.windowWidth;
    data[o + BOX.windowHeight] = style.windowHeight;
    data[o + BOX.shopfrontM] = style.shopfrontM;
    data[o + BOX.glassR] = style.glass[0];
    data[o + BOX.glassG] = style.glass[1];
    data[o + BOX.glassB] = style.glass[2];
  });
  plants.forEach((p, i) => {
    const o = (buildings.length + i) * BOX_STRIDE;
    data[o + BOX.cx] = p.cx;
    data[o + BOX.cy] = p.cy;
    data[o + BOX.cz] = (p.z0 + p.z1) / 2;
    data[o + BOX.hx] = p.hx;
    data[o + BOX.hy] = p.hy;
    data[o + BOX.hz] = (p.z1 - p.z0) / 2;
    data[o + BOX.cos] = Math.cos(p.yaw);
    data[o + BOX.sin] = Math.sin(p.yaw);
    data[o + BOX.r] = p.colour[0];
    data[o + BOX.g] = p.colour[1];
    data[o + BOX.b] = p.colour[2];
    data[o + BOX.owner] = -1;
    const foliage = p.surface === 'foliage';
    data[o + BOX.intensity] = foliage ? FOLIAGE_INTENSITY : BARK_INTENSITY;
    data[o + BOX.surface] = foliage ? SURFACE.foliage : SURFACE.bark;
  });
  return data;
}

/** The world's boxes at t seconds after the scene start; agents' parts are grouped per agent, in agent order. */
export function sceneBoxesAt(buildings: Float64Array, agents: readonly Agent[], t: number): SceneBoxes {
  const partCount = agents.reduce((n, a) => n + a.parts.length, 0);
  const data = new Float64Array(buildings.length + partCount * BOX_STRIDE);
  data.set(buildings);
  let o = buildings.length;
  for (const agent of agents) {
    const { x: ax, y: ay, yaw } = agentPose(agent, t);
    const c = Math.cos(yaw);
    const s = Math.sin(yaw);
    for (const p of agent.parts) {
      data[o + BOX.cx] = ax + c * p.cx - s * p.cy;
      data[o + BOX.cy] = ay + s * p.cx + c * p.cy;
      data[o + BOX.cz] = p.cz;
      data[o + BOX.hx] = p.hx;
      data[o + BOX.hy] = p.hy;
      data[o + BOX.hz] = p.hz;
      data[o + BOX.cos] = c;
      data[o + BOX.sin] = s;
      data[o + BOX.r] = p.colour[0];
      data[o + BOX.g] = p.colour[1];
      data[o + BOX.b] = p.colour[2];
      data[o + BOX.owner] = agent.id;
      data[o + BOX.intensity] = INTENSITY[agent.kind];
      o += BOX_STRIDE;
    }
  }
  return { count: data.length / BOX_STRIDE, data };
}

/**
 * Ray / box intersection by slabs in the box's own frame. Returns the entry distance along the ray (in units of
 * the direction's length) and writes the entered face (axis * 2 + (normal positive ? 1 : 0)) to face[0];
 * Infinity when the ray misses or starts inside the box.
 */
export function intersectBox(
  data: Float64Array,
  o: number,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  face: Uint8Array,
): number {
  const c = data[o + BOX.cos];
  const s = data[o + BOX.sin];
  const px = ox - data[o + BOX.cx];
  const py = oy - data[o + BOX.cy];
  const lx = px * c + py * s;
  const ly = -px * s + py * c;
  const lz = oz - data[o + BOX.cz];
  const ldx = dx * c + dy * s;
  const ldy = -dx * s + dy * c;
  return slab(lx, ly, lz, ldx, ldy, dz, data[o + BOX.hx], data[o + BOX.hy], data[o + BOX.hz], face);
}

/** Slab test for an origin-centred box of half sizes (hx, hy, hz); see intersectBox. */
export function slab(
  lx: number,
  ly: number,
  lz: number,
  dx: number,
  dy: number,
  dz: number,
  hx: number,
  hy: number,
  hz: number,
  face: Uint8Array,
): number {
  let tNear = -Infinity;
  let tFar = Infinity;
  let nearFace = 0;
  if (dx !== 0) {
    const inv = 1 / dx;
    let t0 = (-hx - lx) * inv;
    let t1 = (hx - lx) * inv;
    let f = 0; // entering through -x when moving +x
    if (t0 > t1) {
      const tmp = t0;
      t0 = t1;
      t1 = tmp;
      f = 1;
    }
    if (t0 > tNear) {
      tNear = t0;
      nearFace = f;
    }
    if (t1 < tFar) tFar = t1;
  } else if (lx < -hx || lx > hx) return Infinity;
  if (dy !== 0) {
    const inv = 1 / dy;
    let t0 = (-hy - ly) * inv;
    let t1 = (hy - ly) * inv;
    let f = 2;
    if (t0 > t1) {
      const tmp = t0;
      t0 = t1;
      t1 = tmp;
      f = 3;
    }
    if (t0 > tNear) {
      tNear = t0;
      nearFace = f;
    }
    if (t1 < tFar) tFar = t1;
  } else if (ly < -hy || ly > hy) return Infinity;
  if (dz !== 0) {
    const inv = 1 / dz;
    let t0 = (-hz - lz) * inv;
    let t1 = (hz - lz) * inv;
    let f = 4;
    if (t0 > t1) {
      const tmp = t0;
      t0 = t1;
      t1 = tmp;
      f = 5;
    }
    if (t0 > tNear) {
      tNear = t0;
      nearFace = f;
    }
    if (t1 < tFar) tFar = t1;
  } else if (lz < -hz || lz > hz) return Infinity;
  if (tNear > tFar || tNear <= 0) return Infinity;
  face[0] = nearFace;
  return tNear;
}

/** World-frame unit normal of face `face` (see intersectBox) of the box at offset o. */
export function faceNormal(data: Float64Array, o: number, face: number, out: Float64Array): void {
  const c = data[o + BOX.cos];
  const s = data[o + BOX.sin];
  const sign = face & 1 ? 1 : -1;
  const axis = face >> 1;
  if (axis === 0) {
    out[0] = sign * c;
    out[1] = sign * s;
    out[2] = 0;
  } else if (axis === 1) {
    out[0] = -sign * s;
    out[1] = sign * c;
    out[2] = 0;
  } else {
    out[0] = 0;
    out[1] = 0;
    out[2] = sign;
  }
}
