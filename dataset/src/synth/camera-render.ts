import type { GroundRaster } from './ground.ts';
import * as ground from './ground.ts';
import type { Lighting } from './lighting.ts';
import type { SceneBoxes } from './scene-boxes.ts';
import * as sceneBoxes from './scene-boxes.ts';

// Bound once here because the per-pixel loops read them millions of times: a scene worker loads this module through
// tsx's require hook, whose CommonJS exports are getters (two getter calls a read: 8 s of a worker's 28 s of CPU).
const { GROUND_RESOLUTION, MATERIAL_COLOURS } = ground;
const { BOX, BOX_STRIDE, faceNormal, SURFACE, slab } = sceneBoxes;

/** A pinhole camera placed in the world: intrinsics in pixels, camera -> global rotation (row-major) and centre. */
export interface PlacedCamera {
  width: number;
  height: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  /** Row-major 3x3 camera -> global rotation (camera x right, y down, z forward). */
  rotation: ArrayLike<number>;
  /** Camera centre, global frame, metres. */
  position: readonly [number, number, number];
}

export interface RenderedImage {
  /** RGBA, row-major, as the JPEG encoder takes it. */
  rgba: Uint8Array;
  /** Per agent id: pixels its parts cover ignoring occlusion, and pixels where it is the nearest surface. */
  covered: Uint32Array;
  visible: Uint32Array;
}

/** Metres; nothing farther is drawn. */
const FAR = 400;
const NEAR = 0.1;

const GAMMA = new Uint8Array(4096);
for (let i = 0; i < 4096; i++) GAMMA[i] = Math.round(255 * (i / 4095) ** (1 / 2.2));

/**
 * Renders camera images by ray casting: a textured ground plane (materials from the town raster, value noise for
 * asphalt grain), Lambert-shaded boxes with a z-buffer, a sky gradient and distance haze. Deterministic: the same
 * inputs give the same bytes. Buffers are reused between images of one size, so a returned image is only valid
 * until the next `render` call.
 */
export class CameraRenderer {
  private readonly n: number;
  private readonly dirX: Float64Array;
  private readonly dirY: Float64Array;
  private readonly dirZ: Float64Array;
  /** Length of each pixel's ray direction (whose optical-axis component is 1): depth times it is the distance. */
  private readonly dirLength: Float64Array;
  private readonly depth: Float64Array;
  /** -1: sky, -2: ground, otherwise the box index. */
  private readonly hit: Int32Array;
  private readonly faces: Uint8Array;
  private readonly stamp: Int32Array;
  private readonly rgba: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.n = width * height;
    this.dirX = new Float64Array(this.n);
    this.dirY = new Float64Array(this.n);
    this.dirZ = new Float64Array(this.n);
    this.dirLength = new Float64Array(this.n);
    this.depth = new Float64Array(this.n);
    this.hit = new Int32Array(this.n);
    this.faces = new Uint8Array(this.n);
    this.stamp = new Int32Array(this.n);
    this.rgba = new Uint8Array(this.n * 4);
  }

  render(
    camera: PlacedCamera,
    boxes: SceneBoxes,
    ground: GroundRaster,
    lighting: Lighting,
    agentCount: number,
  ): RenderedImage {
    const { width, height, n, dirX, dirY, dirZ, dirLength, depth, hit, faces, stamp, rgba } = this;
    if (camera.width !== width || camera.height !== height) {
      throw new Error(
        `CameraRenderer for ${width}x${height} given a ${camera.width}x${camera.height} camera`,
      );
    }
    const { fx, fy, cx, cy, rotation: R, position } = camera;
    const [px, py, pz] = position;
    for (let v = 0; v < height; v++) {
      const yc = (v + 0.5 - cy) / fy;
      for (let u = 0; u < width; u++) {
        const xc = (u + 0.5 - cx) / fx;
        const i = v * width + u;
        const dx = R[0] * xc + R[1] * yc + R[2];
        const dy = R[3] * xc + R[4] * yc + R[5];
        const dz = R[6] * xc + R[7] * yc + R[8];
        dirX[i] = dx;
        dirY[i] = dy;
        dirZ[i] = dz;
        const length = Math.sqrt(dx * dx + dy * dy + dz * dz);
        dirLength[i] = length;
        const t = dz < 0 ? -pz / dz : Infinity;
        if (t * length < FAR) {
          depth[i] = t;
          hit[i] = -2;
        } else {
          depth[i] = Infinity;
          hit[i] = -1;
        }
      }
    }

    const covered = new Uint32Array(agentCount);
    const visible = new Uint32Array(agentCount);
    stamp.fill(-1);
    const face = new Uint8Array(1);
    const rect = new Int32Array(4);
    const data = boxes.data;
    for (const b of boxesNearToFar(boxes, camera)) {
      const o = b * BOX_STRIDE;
      if (!projectedRect(camera, data, o, rect)) continue;
      const c = data[o + BOX.cos];
      const s = data[o + BOX.sin];
      const ex = px - data[o + BOX.cx];
      const ey = py - data[o + BOX.cy];
      const lx = ex * c + ey * s;
      const ly = -ex * s + ey * c;
      const lz = pz - data[o + BOX.cz];
      const hx = data[o + BOX.hx];
      const hy = data[o + BOX.hy];
      const hz = data[o + BOX.hz];
      const owner = data[o + BOX.owner];
      // Depth (along the optical axis, as `depth`) below which nothing of this box can lie, for skipping pixels
      // already covered by something nearer; agents are always tested, as their coverage counts occluded pixels.
      const nearest = owner >= 0 ? 0 : Math.max(0, Math.hypot(lx, ly, lz) - Math.hypot(hx, hy, hz));
      for (let v = rect[2]; v <= rect[3]; v++) {
        for (let u = rect[0]; u <= rect[1]; u++) {
          const i = v * width + u;
          if (depth[i] * dirLength[i] < nearest) continue;
          const dx = dirX[i];
          const dy = dirY[i];
          const t = slab(lx, ly, lz, dx * c + dy * s, -dx * s + dy * c, dirZ[i], hx, hy, hz, face);
          if (t === Infinity) continue;
          if (owner >= 0 && stamp[i] !== owner) {
            stamp[i] = owner;
            covered[owner]++;
          }
          if (t < depth[i]) {
            depth[i] = t;
            hit[i] = b;
            faces[i] = face[0];
          }
        }
      }
    }
    const normal = new Float64Array(3);
    const [sx, sy, sz] = lighting.sun;
    const { sunColour, skyZenith: SKY_ZENITH, horizon: HORIZON, fogDistanceM: FOG_DISTANCE } = lighting;
    const groundLight = sunColour.map((c) => lighting.groundAmbient + lighting.groundDirect * sz * c);
    const { windowsLit } = lighting;
    const windowLit = new Float64Array(1);
    const cells = ground.cells;
    for (let i = 0; i < n; i++) {
      const h = hit[i];
      let r: number;
      let g: number;
      let bl: number;
      const dz = dirZ[i];
      if (h === -1) {
        const up = skyBlend(dz / dirLength[i]);
        r = HORIZON[0] + (SKY_ZENITH[0] - HORIZON[0]) * up;
        g = HORIZON[1] + (SKY_ZENITH[1] - HORIZON[1]) * up;
        bl = HORIZON[2] + (SKY_ZENITH[2] - HORIZON[2]) * up;
      } else {
        const t = depth[i];
        const wx = px + t * dirX[i];
        const wy = py + t * dirY[i];
        if (h === -2) {
          const col = Math.floor(wx / GROUND_RESOLUTION);
          const row = Math.floor(wy / GROUND_RESOLUTION);
          const material =
            col >= 0 && row >= 0 && col < cells && row < cells ? ground.data[row * cells + col] : 0;
          const base = MATERIAL_COLOURS[material];
          const grain = 0.88 + 0.12 * cellNoise(col, row) + 0.1 * (smoothNoise(wx * 0.25, wy * 0.25) - 0.5);
          r = base[0] * grain * groundLight[0];
          g = base[1] * grain * groundLight[1];
          bl = base[2] * grain * groundLight[2];
        } else {
          const o = h * BOX_STRIDE;
          const f = faces[i];
          faceNormal(data, o, f, normal);
          const lambert = Math.max(0, normal[0] * sx + normal[1] * sy + normal[2] * sz);
          const ambient = lighting.boxAmbient + 0.15 * Math.max(0, normal[2]);
          const direct = lighting.boxDirect * lambert;
          const surface = data[o + BOX.surface];
          const wz = pz + t * dz;
          let albedo = 1;
          if (surface === SURFACE.foliage) albedo = foliageShade(data, o, wx, wy, wz);
          r = albedo * data[o + BOX.r] * (ambient + direct * sunColour[0]);
          g = albedo * data[o + BOX.g] * (ambient + direct * sunColour[1]);
          bl = albedo * data[o + BOX.b] * (ambient + direct * sunColour[2]);
          if (surface === SURFACE.facade && f < 4) {
            // Window glass: darker than the wall under the same light, and mirroring more of the sky the more
            // obliquely it is seen (Fresnel), so facades turning away from the camera read as such.
            const glass = windowCover(data, o, f, wx, wy, wz, (t * dirLength[i]) / fx, windowsLit, windowLit);
            if (glass > 0) {
              const facing =
                Math.abs(normal[0] * dirX[i] + normal[1] * dirY[i] + normal[2] * dz) / dirLength[i];
              const mirror = 0.12 + 0.45 * (1 - facing) ** 2;
              const lit = ambient + 0.5 * direct;
              // Lit windows (at dusk) glow with their own warm light whatever the sun does.
              const glow = windowLit[0] * WINDOW_GLOW;
              r += glass * (data[o + BOX.glassR] * lit + mirror * HORIZON[0] + glow * WINDOW_LIGHT[0] - r);
              g += glass * (data[o + BOX.glassG] * lit + mirror * HORIZON[1] + glow * WINDOW_LIGHT[1] - g);
              bl += glass * (data[o + BOX.glassB] * lit + mirror * HORIZON[2] + glow * WINDOW_LIGHT[2] - bl);
            }
          }
          const owner = data[o + BOX.owner];
          if (owner >= 0) visible[owner]++;
        }
        const distance = t * dirLength[i];
        const haze = 1 - Math.exp(-distance / FOG_DISTANCE);
        r += (HORIZON[0] - r) * haze;
        g += (HORIZON[1] - g) * haze;
        bl += (HORIZON[2] - bl) * haze;
      }
      const q = i * 4;
      rgba[q] = GAMMA[toIndex(r)];
      rgba[q + 1] = GAMMA[toIndex(g)];
      rgba[q + 2] = GAMMA[toIndex(bl)];
      rgba[q + 3] = 255;
    }
    return { rgba, covered, visible };
  }
}

/** Light of a lit window (linear RGB, a warm indoor white) and its strength against the glass's own shading. */
const WINDOW_LIGHT = [1, 0.72, 0.4] as const;
const WINDOW_GLOW = 0.45;

/**
 * How much of a facade pixel is window glass (0..1) at world point (wx, wy, wz) on side face `face` of the
 * building box at o: a grid of windows per storey and bay above a street-level shop-window band. Where a window
 * would span fewer than about four pixels (`metresPerPixel` is the pixel's footprint) the grid fades to its mean
 * coverage, so distant facades do not shimmer with aliasing from frame to frame. Writes to lit[0] the share of
 * that glass lit from inside: each window is lit or not (a hash of its bay, storey and building), `windowsLit`
 * of them on average, which is also the share where the grid has faded.
 */
function windowCover(
  data: Float64Array,
  o: number,
  face: number,
  wx: number,
  wy: number,
  wz: number,
  metresPerPixel: number,
  windowsLit: number,
  lit: Float64Array,
): number {
  lit[0] = windowsLit;
  if (wz > data[o + BOX.cz] + data[o + BOX.hz] - 0.8) return 0;
  const floorM = data[o + BOX.floorM];
  const bayM = data[o + BOX.bayM];
  const ww = data[o + BOX.windowWidth];
  const wh = data[o + BOX.windowHeight];
  const mean = ww * wh;
  const q = metresPerPixel / Math.min(bayM * ww, floorM * wh);
  // Most facade pixels are far ones: their grid is below the pixel size, and only the mean is left to compute.
  if (q >= 0.5) return mean;
  const sharp = q <= 0.25 ? 1 : (0.5 - q) / 0.25;
  const c = data[o + BOX.cos];
  const s = data[o + BOX.sin];
  const ex = wx - data[o + BOX.cx];
  const ey = wy - data[o + BOX.cy];
  // Distance along the face from its corner.
  const along = face >> 1 === 0 ? -ex * s + ey * c + data[o + BOX.hy] : ex * c + ey * s + data[o + BOX.hx];
  const shop = data[o + BOX.shopfrontM];
  let inside: boolean;
  let column: number;
  let storey: number;
  if (wz < shop) {
    const a = along / (2 * bayM);
    column = Math.floor(a);
    storey = -1;
    const fa = a - column;
    inside = wz > 0.4 && wz < shop - 0.6 && fa > 0.06 && fa < 0.94;
  } else {
    const a = along / bayM;
    column = Math.floor(a);
    const zf = (wz - shop) / floorM;
    storey = Math.floor(zf);
    const fa = a - column;
    const fz = zf - storey;
    inside = Math.abs(fa - 0.5) < ww / 2 && Math.abs(fz - 0.55) < wh / 2;
  }
  if (windowsLit > 0 && inside) {
    // Per window, and per building (its record's offset), with a face's own columns.
    const on = cellNoise(column + 1021 * face + 7 * o, storey) < windowsLit ? 1 : 0;
    lit[0] = sharp * on + (1 - sharp) * windowsLit;
  }
  return sharp * (inside ? 1 : 0) + (1 - sharp) * mean;
}

/**
 * Albedo factor of leaves at a world point: speckle at a third of a metre and patches of two metres (on the
 * hashed lattice, cheap enough for the many pixels near trees), darker towards the bottom of the part where leaves
 * shade each other.
 */
function foliageShade(data: Float64Array, o: number, wx: number, wy: number, wz: number): number {
  const speckle = cellNoise(Math.floor(wx * 3) + 7919 * Math.floor(wz * 3), Math.floor(wy * 3));
  const patches = smoothNoise(0.5 * (wx + 0.7 * wz), 0.5 * (wy - 0.7 * wz));
  const bottom = data[o + BOX.cz] - data[o + BOX.hz];
  const up = Math.min(1, Math.max(0, (wz - bottom) / (2 * data[o + BOX.hz])));
  return (0.72 + 0.3 * speckle + 0.25 * (patches - 0.5)) * (0.78 + 0.3 * up);
}

/**
 * The sky gradient's blend from horizon to zenith, sin(elevation)^0.6, from a table with linear interpolation:
 * a power per sky pixel cost about a tenth of a frame. The table is within 1.2e-6 of it above 0.01 (the 12-bit
 * gamma table's step is 2.4e-4); below, in the haze at the horizon, within 1.3e-3.
 */
const SKY_STEPS = 4096;
const SKY_BLEND = new Float64Array(SKY_STEPS + 2);
for (let k = 0; k <= SKY_STEPS + 1; k++) SKY_BLEND[k] = Math.min(1, k / SKY_STEPS) ** 0.6;
function skyBlend(sinElevation: number): number {
  if (!(sinElevation > 0)) return 0;
  const x = Math.min(1, sinElevation) * SKY_STEPS;
  const k = Math.floor(x);
  return SKY_BLEND[k] + (SKY_BLEND[k + 1] - SKY_BLEND[k]) * (x - k);
}

function toIndex(value: number): number {
  const i = Math.round(value * 4095);
  return Math.min(4095, Math.max(0, i));
}

const CORNER_X = new Float64Array(8);
const CORNER_Y = new Float64Array(8);
const CORNER_Z = new Float64Array(8);

/**
 * Whether any of the box at offset o can be drawn: false when it lies beyond the far distance or wholly behind
 * the near plane (its bounding sphere does), about half of a town's boxes for each camera, its trees many of them.
 */
function maybeInView(camera: PlacedCamera, data: Float64Array, o: number): boolean {
  const { rotation: R, position } = camera;
  const ex = data[o + BOX.cx] - position[0];
  const ey = data[o + BOX.cy] - position[1];
  const hx = data[o + BOX.hx];
  const hy = data[o + BOX.hy];
  if (Math.hypot(ex, ey) - Math.hypot(hx, hy) > FAR) return false;
  const depth = R[2] * ex + R[5] * ey + R[8] * (data[o + BOX.cz] - position[2]);
  return depth + Math.hypot(hx, hy, data[o + BOX.hz]) >= NEAR;
}

/**
 * Pixel bounds [u0, u1, v0, v1] of a box that maybeInView passed, clipped to the image; false when it is behind
 * the camera or off-image.
 */
function projectedRect(camera: PlacedCamera, data: Float64Array, o: number, out: Int32Array): boolean {
  const { width, height, fx, fy, cx, cy, rotation: R, position } = camera;
  const bx = data[o + BOX.cx];
  const by = data[o + BOX.cy];
  const bz = data[o + BOX.cz];
  const hx = data[o + BOX.hx];
  const hy = data[o + BOX.hy];
  const hz = data[o + BOX.hz];
  const c = data[o + BOX.cos];
  const s = data[o + BOX.sin];
  const camX = CORNER_X;
  const camY = CORNER_Y;
  const camZ = CORNER_Z;
  for (let k = 0; k < 8; k++) {
    const ax = k & 1 ? hx : -hx;
    const ay = k & 2 ? hy : -hy;
    const az = k & 4 ? hz : -hz;
    const wx = bx + c * ax - s * ay - position[0];
    const wy = by + s * ax + c * ay - position[1];
    const wz = bz + az - position[2];
    // Camera coordinates: Rᵀ (world - centre).
    camX[k] = R[0] * wx + R[3] * wy + R[6] * wz;
    camY[k] = R[1] * wx + R[4] * wy + R[7] * wz;
    camZ[k] = R[2] * wx + R[5] * wy + R[8] * wz;
  }
  let u0 = Infinity;
  let u1 = -Infinity;
  let v0 = Infinity;
  let v1 = -Infinity;
  const include = (x: number, y: number, z: number) => {
    const u = cx + (fx * x) / z;
    const v = cy + (fy * y) / z;
    if (u < u0) u0 = u;
    if (u > u1) u1 = u;
    if (v < v0) v0 = v;
    if (v > v1) v1 = v;
  };
  for (let k = 0; k < 8; k++) {
    if (camZ[k] >= NEAR) include(camX[k], camY[k], camZ[k]);
    // Edges crossing the near plane are clipped there, so a box beside the camera gets its true extent.
    for (const bit of [1, 2, 4]) {
      const j = k | bit;
      if (j === k || camZ[k] >= NEAR === camZ[j] >= NEAR) continue;
      const f = (NEAR - camZ[k]) / (camZ[j] - camZ[k]);
      include(camX[k] + f * (camX[j] - camX[k]), camY[k] + f * (camY[j] - camY[k]), NEAR);
    }
  }
  if (u0 === Infinity) return false;
  out[0] = Math.max(0, Math.floor(u0));
  out[1] = Math.min(width - 1, Math.ceil(u1));
  out[2] = Math.max(0, Math.floor(v0));
  out[3] = Math.min(height - 1, Math.ceil(v1));
  return out[0] <= out[1] && out[2] <= out[3];
}

/** Hash of an integer cell to [0, 1): the fine grain of asphalt, paving and grass. */
function cellNoise(x: number, y: number): number {
  let h = Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

/**
 * smoothNoise's lattice values for integer x, y in [LATTICE_MIN, LATTICE_MIN + LATTICE_SIZE), hashed once:
 * hashing four corners for every ground pixel took about a tenth of a frame. The range covers the ground's
 * lattice (a quarter of the metres) over a town and the 400 m seen beyond its edges.
 */
const LATTICE_MIN = -128;
const LATTICE_SIZE = 384;
const LATTICE = new Float64Array(LATTICE_SIZE * LATTICE_SIZE);
for (let j = 0; j < LATTICE_SIZE; j++) {
  for (let i = 0; i < LATTICE_SIZE; i++) {
    LATTICE[j * LATTICE_SIZE + i] = cellNoise(LATTICE_MIN + i + 7919, LATTICE_MIN + j);
  }
}

/** Bilinear value noise at metre scale: patches and wear that give the ground texture gradients. */
function smoothNoise(x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const i = x0 - LATTICE_MIN;
  const j = y0 - LATTICE_MIN;
  let a: number;
  let b: number;
  let c: number;
  let d: number;
  if (i >= 0 && j >= 0 && i + 1 < LATTICE_SIZE && j + 1 < LATTICE_SIZE) {
    const k = j * LATTICE_SIZE + i;
    a = LATTICE[k];
    b = LATTICE[k + 1];
    c = LATTICE[k + LATTICE_SIZE];
    d = LATTICE[k + LATTICE_SIZE + 1];
  } else {
    a = cellNoise(x0 + 7919, y0);
    b = cellNoise(x0 + 7920, y0);
    c = cellNoise(x0 + 7919, y0 + 1);
    d = cellNoise(x0 + 7920, y0 + 1);
  }
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

/**
 * Indices of the boxes that maybeInView passes, ordered by distance from the camera (ties by index), so near
 * boxes fill the depth buffer first. Sorting only those gives them in the order a sort of all would.
 */
function boxesNearToFar(boxes: SceneBoxes, camera: PlacedCamera): Int32Array {
  const { position } = camera;
  const order = new Int32Array(boxes.count);
  const distance = new Float64Array(boxes.count);
  let count = 0;
  for (let b = 0; b < boxes.count; b++) {
    const o = b * BOX_STRIDE;
    if (!maybeInView(camera, boxes.data, o)) continue;
    order[count++] = b;
    distance[b] = Math.hypot(
      boxes.data[o + BOX.cx] - position[0],
      boxes.data[o + BOX.cy] - position[1],
      boxes.data[o + BOX.cz] - position[2],
    );
  }
  return order.subarray(0, count).sort((a, b) => distance[a] - distance[b] || a - b);
}
