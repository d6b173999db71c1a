import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { MapLocation } from '../../src/map/expansion-types.ts';
import { agentPose } from '../../src/synth/agents.ts';
import {
  BUILDING_STYLE_NAMES,
  BUILDING_STYLES,
  type BuildingStyleName,
  styleTown,
} from '../../src/synth/building-styles.ts';
import { CameraRenderer, type PlacedCamera } from '../../src/synth/camera-render.ts';
import { EGO_LENGTH_M, EGO_WIDTH_M, egoPose, planEgoRoute } from '../../src/synth/ego.ts';
import { type Footprint, footprint, footprintsOverlap } from '../../src/synth/footprint.ts';
import { generateSynthDataset } from '../../src/synth/generate.ts';
import { basemapPng, GROUND_RESOLUTION } from '../../src/synth/ground.ts';
import { scanLidar } from '../../src/synth/lidar-scan.ts';
import { drawLighting, LIGHTING_KINDS } from '../../src/synth/lighting.ts';
import { populateScene } from '../../src/synth/populate.ts';
import { Random } from '../../src/synth/random.ts';
import {
  BOX,
  BOX_STRIDE,
  type SceneBoxes,
  SURFACE,
  sceneBoxesAt,
  townBoxes,
} from '../../src/synth/scene-boxes.ts';
import { buildWorld, type World } from '../../src/synth/scene-generator.ts';
import type { Block } from '../../src/synth/town.ts';
import { CANOPY_CLEARANCE_M, type PlantPart } from '../../src/synth/vegetation.ts';

const LOCATIONS: readonly MapLocation[] = ['boston-seaport', 'singapore-onenorth'];
const partFootprint = (p: PlantPart): Footprint => footprint(p.cx, p.cy, p.yaw, 2 * p.hy, 2 * p.hx);
const partRadius = (p: PlantPart) => Math.hypot(p.hx, p.hy);

/** Boxes holding only the given plants, as the generator lays them out. */
function plantBoxes(plants: readonly PlantPart[]): SceneBoxes {
  return sceneBoxesAt(townBoxes({ blocks: [] }, { blocks: [], facades: [] }, plants), [], 0);
}

/** A 160x120 camera at (x, y, z) looking along +x, level. */
function cameraLookingEast(x: number, y: number, z: number): PlacedCamera {
  // Camera axes (x right, y down, z forward) in the global frame: right = -y, down = -z, forward = +x.
  return {
    width: 160,
    height: 120,
    fx: 120,
    fy: 120,
    cx: 80,
    cy: 60,
    rotation: [0, 0, 1, -1, 0, 0, 0, -1, 0],
    position: [x, y, z],
  };
}

describe('synthetic town scenery: building styles and vegetation', () => {
  const worlds: World[] = [];
  before(() => {
    for (const seed of [0, 1]) for (const location of LOCATIONS) worlds.push(buildWorld(seed, location));
  });

  it('plants trees and hedges in every town, none of them over the drivable area at any height', () => {
    for (const world of worlds) {
      const { town, plants } = world;
      const trees = plants.filter((p) => p.plant === 'tree' && p.surface === 'bark').length;
      assert.ok(trees >= 20, `${town.location}: only ${trees} trees`);
      assert.ok(
        plants.some((p) => p.plant === 'hedge'),
        `${town.location}: no hedge`,
      );
      // The map's own drivable-area mask (the basemap), with its top row at the northern edge.
      const mask = PNG.sync.read(basemapPng(town));
      const cells = mask.width;
      const drivable = (x: number, y: number) => {
        const col = Math.floor(x / GROUND_RESOLUTION);
        const row = cells - 1 - Math.floor(y / GROUND_RESOLUTION);
        return mask.data[(row * cells + col) * 4] === 255;
      };
      for (const p of plants) {
        // Points every 0.1 m or less over the part's footprint, edges included.
        const corners = partFootprint(p);
        const [du, dv] = [1 / Math.ceil(20 * p.hx), 1 / Math.ceil(20 * p.hy)];
        for (let u = 0; u <= 1 + 1e-9; u += du) {
          for (let v = 0; v <= 1 + 1e-9; v += dv) {
            const x =
              corners[2][0] + u * (corners[1][0] - corners[2][0]) + v * (corners[3][0] - corners[2][0]);
            const y =
              corners[2][1] + u * (corners[1][1] - corners[2][1]) + v * (corners[3][1] - corners[2][1]);
            assert.ok(
              !drivable(x, y),
              `${town.location}: ${p.plant} ${p.surface} at ${x}, ${y} over the road`,
            );
          }
        }
      }
    }
  });

  it("never stands a plant in an agent's or the ego's way: whatever is as low as an agent keeps clear of its footprint", () => {
    const durationS = 9.5;
    const times = Array.from({ length: 20 }, (_, i) => i * 0.5);
    for (const [k, world] of worlds.entries()) {
      const { town, plants } = world;
      const scene = new Random(k).fork('scene/test');
      const ego = planEgoRoute(town, durationS, scene.fork('ego'));
      // Every agent's footprint every 0.5 s (the ego's among them, at its own height), and the box they all lie in.
      const tracks = [
        ...populateScene(town, ego, durationS, scene.fork('agents'), 1.6).map((a) => ({
          what: `${a.kind} #${a.id}`,
          height: a.size[2],
          steps: times.map((t) => {
            const { x, y, yaw } = agentPose(a, t);
            return footprint(x, y, yaw, a.size[0], a.size[1]);
          }),
        })),
        {
          what: 'the ego',
          height: 1.8,
          steps: times.map((t) => {
            const e = egoPose(ego, t);
            return footprint(e.x, e.y, e.yaw, EGO_WIDTH_M, EGO_LENGTH_M);
          }),
        },
      ].map((track) => {
        const xs = track.steps.flatMap((f) => f.map(([x]) => x));
        const ys = track.steps.flatMap((f) => f.map(([, y]) => y));
        return {
          ...track,
          x0: Math.min(...xs),
          y0: Math.min(...ys),
          x1: Math.max(...xs),
          y1: Math.max(...ys),
        };
      });
      assert.ok(tracks.length > 30, `${town.location}: ${tracks.length} agents`);
      const walkways = town.walkways.map((w) =>
        footprint((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2, 0, w.y1 - w.y0, w.x1 - w.x0),
      );
      let checked = 0;
      for (const p of plants) {
        const shape = partFootprint(p);
        // The sidewalks' walking files are a scene's choice; no low part may stand anywhere on a sidewalk.
        if (p.z0 < CANOPY_CLEARANCE_M) {
          for (const strip of walkways) {
            assert.ok(
              !footprintsOverlap(shape, strip),
              `${town.location}: a ${p.plant} ${p.surface} on a sidewalk`,
            );
          }
        }
        // Tracks within 2 m are checked, so that plants beside a sidewalk's standing pedestrians count as near.
        const r = partRadius(p) + 2;
        for (const a of tracks) {
          // A part wholly above an agent (a crown over a pedestrian) leaves it room.
          if (a.height + 0.3 < p.z0) continue;
          if (p.cx + r < a.x0 || p.cx - r > a.x1 || p.cy + r < a.y0 || p.cy - r > a.y1) continue;
          checked++;
          for (const [i, step] of a.steps.entries()) {
            assert.ok(
              !footprintsOverlap(shape, step),
              `${town.location}: ${a.what} meets a ${p.plant} at t=${times[i]}`,
            );
          }
        }
      }
      // Some plants do stand close to the agents' tracks, or the test would prove nothing.
      assert.ok(checked > 10, `${town.location}: ${checked} plant-agent pairs near each other`);
    }
  });

  it('lets the LiDAR hit a tree (trunk and crown) and the camera see it green and textured, never as an agent', () => {
    const world = worlds[0];
    const first = world.plants.findIndex((p) => p.plant === 'tree');
    const tree = world.plants.slice(first, first + 3);
    assert.deepEqual(
      tree.map((p) => p.surface),
      ['bark', 'foliage', 'foliage'],
    );
    const trunk = tree[0];
    const boxes = plantBoxes(tree);
    for (let b = 0; b < boxes.count; b++) assert.equal(boxes.data[b * BOX_STRIDE + BOX.owner], -1);
    // A LiDAR 8 m west of the trunk, level, at a roof-mounted sensor's height.
    const origin: [number, number, number] = [trunk.cx - 8, trunk.cy, 1.84];
    const sweep = scanLidar(
      { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], position: origin },
      boxes,
      world.ground,
      0,
      new Random(3),
    );
    let onTrunk = 0;
    let onCrown = 0;
    for (let i = 0; i < sweep.points.length; i += 5) {
      const [x, y, z] = [
        origin[0] + sweep.points[i],
        origin[1] + sweep.points[i + 1],
        origin[2] + sweep.points[i + 2],
      ];
      const inside = (p: PlantPart) =>
        Math.hypot(x - p.cx, y - p.cy) <= partRadius(p) + 0.05 && z >= p.z0 - 0.05 && z <= p.z1 + 0.05;
      if (inside(trunk)) onTrunk++;
      else if (inside(tree[1]) || inside(tree[2])) onCrown++;
    }
    assert.ok(onTrunk >= 3 && onCrown >= 20, `trunk ${onTrunk} points, crown ${onCrown}`);

    const lighting = drawLighting(new Random(1));
    const crown = tree[1];
    const image = new CameraRenderer(160, 120).render(
      cameraLookingEast(crown.cx - 12, crown.cy, (crown.z0 + crown.z1) / 2),
      boxes,
      world.ground,
      lighting,
      0,
    );
    // The image centre looks at the crown: green leaves with speckle, not a flat colour.
    const greens: number[] = [];
    for (let v = 50; v < 70; v++) {
      for (let u = 70; u < 90; u++) {
        const q = (v * 160 + u) * 4;
        const [r, g, b] = [image.rgba[q], image.rgba[q + 1], image.rgba[q + 2]];
        assert.ok(g > r && g > b, `pixel ${u},${v}: ${r},${g},${b}`);
        greens.push(g);
      }
    }
    assert.ok(standardDeviation(greens) > 3, `leaf texture: std ${standardDeviation(greens)}`);
  });

  it('draws a grid of windows on facades: far more contrast than a plain wall, fading where windows get too small', () => {
    const world = worlds[0];
    const lighting = drawLighting(new Random(1));
    const building: Block['buildings'][number] = {
      rect: { x0: 100, y0: 80, x1: 110, y1: 120 },
      height: 24,
      colour: [0.6, 0.6, 0.6],
    };
    const contrast = (style: BuildingStyleName, distanceM: number, plain: boolean) => {
      const data = townBoxes(
        { blocks: [{ rect: building.rect, kind: 'buildings', buildings: [building] }] },
        { blocks: [style], facades: [[{ style: BUILDING_STYLES[style], colour: building.colour }]] },
        [],
      );
      if (plain) data[BOX.surface] = SURFACE.plain;
      const image = new CameraRenderer(160, 120).render(
        cameraLookingEast(100 - distanceM, 100, 8),
        sceneBoxesAt(data, [], 0),
        world.ground,
        lighting,
        0,
      );
      // The middle of the wall (above the shop windows), a patch 20 px square.
      const values: number[] = [];
      for (let v = 35; v < 55; v++)
        for (let u = 70; u < 90; u++) values.push(image.rgba[(v * 160 + u) * 4 + 1]);
      return standardDeviation(values);
    };
    for (const style of BUILDING_STYLE_NAMES) {
      const wall = contrast(style, 15, true);
      const near = contrast(style, 15, false);
      assert.ok(near > 8 && near > 4 * wall + 2, `${style}: facade std ${near}, plain wall ${wall}`);
    }
    // 300 m off a window is under a pixel across: the grid has faded to an even tone.
    assert.ok(contrast('brick', 300, false) < contrast('brick', 15, false) / 4);
  });

  it('lights some windows warm at dusk, none by day', () => {
    const world = worlds[0];
    let dusk = drawLighting(new Random(0));
    for (let seed = 1; dusk.kind !== 'dusk'; seed++) dusk = drawLighting(new Random(seed));
    const building: Block['buildings'][number] = {
      rect: { x0: 100, y0: 80, x1: 110, y1: 120 },
      height: 24,
      colour: [0.6, 0.6, 0.6],
    };
    const data = townBoxes(
      { blocks: [{ rect: building.rect, kind: 'buildings', buildings: [building] }] },
      { blocks: ['concrete'], facades: [[{ style: BUILDING_STYLES.concrete, colour: building.colour }]] },
      [],
    );
    // Pixels of the facade clearly warmer (red over blue) than its grey wall and dark glass.
    const warm = (windowsLit: number) => {
      const image = new CameraRenderer(160, 120).render(
        cameraLookingEast(85, 100, 8),
        sceneBoxesAt(data, [], 0),
        world.ground,
        { ...dusk, windowsLit },
        0,
      );
      let count = 0;
      for (let v = 20; v < 80; v++) {
        for (let u = 40; u < 120; u++) {
          const q = (v * 160 + u) * 4;
          if (image.rgba[q] - image.rgba[q + 2] > 45) count++;
        }
      }
      return count;
    };
    const lit = warm(dusk.windowsLit);
    assert.ok(lit > 200 && warm(0) < lit / 5, `${lit} warm pixels lit, ${warm(0)} unlit`);
  });

  it('styles the blocks from the seed: two seeds give different styles, every style appears, brick in Boston more than in Singapore', () => {
    const base = worlds[0].town;
    const a = styleTown(base, new Random(0).fork('dressing'));
    const b = styleTown(base, new Random(1).fork('dressing'));
    assert.notDeepEqual(a.blocks, b.blocks);
    assert.deepEqual(styleTown(base, new Random(0).fork('dressing')), a);
    const share = (location: MapLocation) => {
      const counts = new Map<BuildingStyleName, number>();
      for (let seed = 0; seed < 40; seed++) {
        const { blocks } = styleTown({ location, blocks: base.blocks }, new Random(seed));
        for (const s of blocks) if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
      }
      const total = [...counts.values()].reduce((x, y) => x + y, 0);
      return (name: BuildingStyleName) => (counts.get(name) ?? 0) / total;
    };
    const boston = share('boston-seaport');
    const singapore = share('singapore-onenorth');
    for (const name of BUILDING_STYLE_NAMES) assert.ok(boston(name) + singapore(name) > 0.05, name);
    assert.ok(boston('brick') > 2 * singapore('brick'), `${boston('brick')} vs ${singapore('brick')}`);
  });

  it("writes each scene's light, traffic density and scenery into its description", async () => {
    const work = mkdtempSync(join(tmpdir(), 'mim4d-scenery-'));
    try {
      const out = join(work, 'd');
      await generateSynthDataset(
        {
          out,
          scenes: 2,
          samples: 2,
          sweeps: 0,
          lidarSweeps: 0,
          width: 32,
          height: 18,
          seed: 5,
          jpegQuality: 80,
          version: 'v1.0-mini',
        },
        { workers: 1 },
      );
      const scenes = JSON.parse(readFileSync(join(out, 'v1.0-mini', 'scene.json'), 'utf8')) as {
        description: string;
      }[];
      for (const { description } of scenes) {
        const light = LIGHTING_KINDS.filter((k) => description.includes(`, ${k}, `));
        assert.equal(light.length, 1, description);
        assert.match(description, /, traffic \d\.\dx usual, /);
        assert.match(description, /(brick|concrete|glass|plaster)[a-z ,]* buildings, (\d+|no) trees?$/);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

function standardDeviation(values: readonly number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}
