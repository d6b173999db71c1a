import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import type { ArclinePath, MapExpansionJson } from '../../src/map/expansion-types.ts';
import { type Agent, agentPose } from '../../src/synth/agents.ts';
import { egoDistance, egoPose, planEgoRoute } from '../../src/synth/ego.ts';
import { footprint } from '../../src/synth/footprint.ts';
import { basemapPng, GROUND_RESOLUTION, MATERIAL, rasteriseGround } from '../../src/synth/ground.ts';
import { buildMapExpansion } from '../../src/synth/map-expansion.ts';
import { populateScene } from '../../src/synth/populate.ts';
import type { PlanarPose } from '../../src/synth/quarter-turn.ts';
import { Random } from '../../src/synth/random.ts';
import { bendPoint, bendPose, bendSwing, straightPoint, unbendPoint } from '../../src/synth/road-bends.ts';
import { tokenFactory } from '../../src/synth/tokens.ts';
import { buildTown, type Town } from '../../src/synth/town.ts';
import { onRoad } from '../helpers/town-road.ts';

type XY = readonly [number, number];
const LOCATIONS = ['boston-seaport', 'singapore-onenorth'] as const;
const wrap = (a: number) => Math.atan2(Math.sin(a), Math.cos(a));

function townOf(seed: number, location: (typeof LOCATIONS)[number]): Town {
  return buildTown(location, new Random(seed).fork('town'));
}

/** Signed turning along a polyline, radians: the sum of its turns and the sum of their sizes. */
function turning(pts: readonly XY[]): { net: number; total: number } {
  let [net, total] = [0, 0];
  for (let i = 1; i + 1 < pts.length; i++) {
    const a = Math.atan2(pts[i][1] - pts[i - 1][1], pts[i][0] - pts[i - 1][0]);
    const b = Math.atan2(pts[i + 1][1] - pts[i][1], pts[i + 1][0] - pts[i][0]);
    net += wrap(b - a);
    total += Math.abs(wrap(b - a));
  }
  return { net, total };
}

function nodesOf(json: MapExpansionJson): Map<string, XY> {
  return new Map(json.node.map((n) => [n.token, [n.x, n.y] as const]));
}

function ringOf(json: MapExpansionJson, nodes: Map<string, XY>, polygonToken: string): XY[] {
  const polygon = json.polygon.find((p) => p.token === polygonToken);
  assert.ok(polygon, polygonToken);
  return polygon.exterior_node_tokens.map((t) => nodes.get(t) as XY);
}

function inRing(ring: readonly XY[], [x, y]: XY): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The nuScenes devkit's discretisation of an arcline path (arcline_path_utils.discretize): poses every
 * `resolution` metres or less, each segment an arc of the path's radius (L, R) or straight (S).
 */
function discretize(path: ArclinePath, resolution: number): [number, number, number][] {
  const total = path.segment_length.reduce((a, b) => a + b, 0);
  const n = Math.max(Math.ceil(total / resolution + 1.5), 2);
  return Array.from({ length: n }, (_, step) => {
    let remaining = (step * total) / (n - 1);
    let [x, y, yaw] = path.start_pose;
    path.segment_length.forEach((length, i) => {
      const l = Math.min(length, remaining);
      remaining -= l;
      const sign = { L: 1, R: -1, S: 0 }[path.shape[i] as 'L' | 'R' | 'S'];
      if (sign === 0 || l === 0) {
        [x, y] = [x + l * Math.cos(yaw), y + l * Math.sin(yaw)];
        return;
      }
      const r = path.radius;
      const [cx, cy] = [x - sign * r * Math.sin(yaw), y + sign * r * Math.cos(yaw)];
      yaw += (sign * l) / r;
      [x, y] = [cx + sign * r * Math.sin(yaw), cy - sign * r * Math.cos(yaw)];
    });
    return [x, y, yaw];
  });
}

describe('roads that bend between their junctions', () => {
  it('bends some segments in most towns: S-bends swinging the road aside, straight at the junctions and the map edge', () => {
    let bent = 0;
    let segments = 0;
    let ends = 0;
    for (let seed = 0; seed < 10; seed++) {
      for (const location of LOCATIONS) {
        const town = townOf(seed, location);
        segments += town.segments.length;
        for (const bend of town.bends) {
          bent++;
          const s = town.segments[bend.segmentId];
          const [atEdge0, atEdge1] = [s.from === 0, s.to === town.size];
          assert.ok(
            bend.from - s.from >= (atEdge0 ? 4 : 11) && s.to - bend.to >= (atEdge1 ? 4 : 11),
            `segment ${s.id} bends at its crossing or the map's edge`,
          );
          // End segments are shorter: they swing less.
          if (atEdge0 || atEdge1) ends++;
          const least = atEdge0 || atEdge1 ? 1 : 2.5;
          assert.ok(bendSwing(bend) > least && bendSwing(bend) < 9, `swing ${bendSwing(bend)}`);
          // Every point of the strip comes back where it went: the bend is one to one.
          for (const [u, c] of [
            [0.3, 0],
            [0.5, 9],
            [0.77, -10],
          ]) {
            const along = bend.from + u * (bend.to - bend.from);
            const [x, y] = s.axis === 'x' ? [along, s.centre + c] : [s.centre + c, along];
            const [bx, by] = bendPoint(town.bends, x, y);
            const back = unbendPoint(bend, bx, by);
            assert.ok(back && Math.hypot(back[0] - x, back[1] - y) < 1e-9, `${back} vs ${x}, ${y}`);
          }
        }
      }
    }
    assert.ok(bent > segments / 4 && bent < segments * 0.7, `${bent} of ${segments} segments bent`);
    assert.ok(ends > bent / 5, `${ends} of ${bent} bends on end segments`);
  });

  it("curves the bent segments' dividers, lane lines and boundaries in the map, with no net turn", () => {
    const town = townOf(3, 'boston-seaport');
    const json = buildMapExpansion(town, tokenFactory(3));
    const nodes = nodesOf(json);
    const lineOf = (token: string) =>
      (json.line.find((l) => l.token === token)?.node_tokens ?? []).map((t) => nodes.get(t) as XY);
    assert.ok(town.bends.length > 0);
    for (const bend of town.bends) {
      const segmentToken = json.road_segment.filter((r) => !r.is_intersection)[bend.segmentId].token;
      const dividers = json.road_divider.filter((d) => d.road_segment_token === segmentToken);
      assert.equal(dividers.length, 1);
      const divider = lineOf(dividers[0].line_token);
      const centre = turning(divider);
      // Out to the largest angle, back through the axis to it on the other side, and back to the axis: four times
      // the angle in all, less half a 2.5 degree step where each of the two chords straddling a change of
      // direction runs.
      const steps = (2 * 2.5 * Math.PI) / 180;
      assert.ok(
        centre.total <= 4 * bend.angleRad + 1e-3 && centre.total >= 4 * bend.angleRad - steps,
        `${centre.total} vs ${4 * bend.angleRad}`,
      );
      assert.ok(Math.abs(centre.net) < 1e-2, `net ${centre.net}`);
      // In steps of at most 2.5 degrees, as the kerb arcs are drawn.
      for (let i = 1; i + 1 < divider.length; i++) {
        const t = turning(divider.slice(i - 1, i + 2)).total;
        assert.ok(t <= (2.5 * Math.PI) / 180 + 1e-3, `a ${(t * 180) / Math.PI} degree step`);
      }
    }
    // Every lane of a bent segment bends with it, and so does a turn lane there, reaching into the bend.
    const lanes = json.lane.filter((l) => json.arcline_path_3[l.token].length > 1);
    const bentTurnLanes = town.turnLanes.filter((t) => town.bends.some((b) => b.segmentId === t.segmentId));
    assert.equal(lanes.length, 2 * town.lanesPerDirection * town.bends.length + bentTurnLanes.length);
  });

  it("writes each bent lane's arcline as straight and arc pieces whose devkit discretisation stays inside the lane", () => {
    for (const [seed, location] of [
      [3, 'boston-seaport'],
      [4, 'singapore-onenorth'],
    ] as const) {
      const town = townOf(seed, location);
      const json = buildMapExpansion(town, tokenFactory(seed));
      const nodes = nodesOf(json);
      const laneTokens = new Set(json.lane.map((l) => l.token));
      const lanesLinked = (token: string, way: 'incoming' | 'outgoing') =>
        json.connectivity[token][way].filter((t) => laneTokens.has(t));
      let bentLanes = 0;
      for (const lane of json.lane) {
        const paths = json.arcline_path_3[lane.token];
        if (paths.length === 1) continue;
        bentLanes++;
        // A lane that runs into its turn lane bends on along it: the S-bend spans the two.
        const whole = [
          ...paths,
          ...lanesLinked(lane.token, 'outgoing').flatMap((t) => json.arcline_path_3[t]),
        ];
        assert.ok(
          lanesLinked(lane.token, 'incoming').length > 0 ||
            (whole.some((p) => p.radius < 999 && p.shape[0] === 'L') &&
              whole.some((p) => p.radius < 999 && p.shape[0] === 'R')),
          `${lane.token}: an S-bend turns both ways`,
        );
        const ring = ringOf(json, nodes, lane.polygon_token);
        paths.forEach((path, i) => {
          const poses = discretize(path, 0.5);
          const end = poses[poses.length - 1];
          // Each piece ends where the next begins (poses are stored to the millimetre and milliradian: over a
          // 45 m arc that is 2 cm).
          const next = i + 1 < paths.length ? paths[i + 1].start_pose : path.end_pose;
          assert.ok(Math.hypot(end[0] - next[0], end[1] - next[1]) < 0.03, `${lane.token} piece ${i}`);
          assert.ok(Math.abs(wrap(end[2] - next[2])) < 2e-3, `${lane.token} piece ${i} heading`);
          for (const [x, y] of poses) {
            // A metre in from the lane's ends, where the centreline meets the polygon's end edges.
            const distanceToEnds = Math.min(
              Math.hypot(x - paths[0].start_pose[0], y - paths[0].start_pose[1]),
              Math.hypot(x - paths.at(-1)!.end_pose[0], y - paths.at(-1)!.end_pose[1]),
            );
            if (distanceToEnds > 1) assert.ok(inRing(ring, [x, y]), `${lane.token}: ${x}, ${y} off its lane`);
          }
        });
      }
      assert.ok(bentLanes > 0, `${location}: no bent lane`);
    }
  });

  it('keeps blocks and buildings clear of the bent roads and their sidewalks; the ground and basemap follow the bend', () => {
    for (let seed = 0; seed < 4; seed++) {
      const town = townOf(seed, LOCATIONS[seed % 2]);
      const ground = rasteriseGround(town);
      const basemap = rasteriseBasemap(town);
      const cell = ([x, y]: XY) =>
        Math.floor(y / GROUND_RESOLUTION) * ground.cells + Math.floor(x / GROUND_RESOLUTION);
      for (const bend of town.bends) {
        const s = town.segments[bend.segmentId];
        const at = (along: number, across: number): XY =>
          s.axis === 'x' ? [along, s.centre + across] : [s.centre + across, along];
        // Where the bent strip may reach: along the bend, up to its swing and sidewalk either side.
        const spread = bendSwing(bend) + bend.reach + 1;
        const [a0, a1] = [at(bend.from, -spread), at(bend.to, spread)];
        const box = {
          x0: Math.min(a0[0], a1[0]),
          y0: Math.min(a0[1], a1[1]),
          x1: Math.max(a0[0], a1[0]),
          y1: Math.max(a0[1], a1[1]),
        };
        for (const block of town.blocks) {
          for (const r of [block.rect, ...block.buildings.map((b) => b.rect)]) {
            for (let x = Math.max(r.x0, box.x0); x <= Math.min(r.x1, box.x1); x += 0.25) {
              for (let y = Math.max(r.y0, box.y0); y <= Math.min(r.y1, box.y1); y += 0.25) {
                assert.equal(unbendPoint(bend, x, y), undefined, `block at ${x}, ${y} on a bent road`);
              }
            }
          }
        }
        const mid = (bend.from + bend.to) / 2;
        const quarter = bend.from + (bend.to - bend.from) / 4;
        for (const along of [quarter, mid]) {
          // The bent road is asphalt (or paint) between its kerbs, drivable in the basemap.
          for (const across of [-5, -1, 1, 5]) {
            const p = bendPoint(town.bends, ...at(along, across));
            const road: readonly number[] = [MATERIAL.asphalt, MATERIAL.whitePaint, MATERIAL.yellowPaint];
            assert.ok(road.includes(ground.data[cell(p)]), `${ground.data[cell(p)]} at ${p}`);
            assert.equal(basemap[cell(p)], 255);
          }
          const walk = bendPoint(town.bends, ...at(along, 8.75));
          assert.equal(ground.data[cell(walk)], MATERIAL.sidewalk);
          assert.equal(basemap[cell(walk)], 0);
        }
        // Where the sidewalk was before the road swung away, grass.
        const left = at(mid, -bend.side * (bend.reach - 0.3));
        assert.equal(straightPoint(town.bends, ...left), undefined);
        assert.equal(ground.data[cell(left)], MATERIAL.grass);
        assert.equal(basemap[cell(left)], 0);
      }
    }
  });

  it('drives traffic and walkers along the bends: in their lanes, heading along the road, at their own speed', () => {
    const durationS = 9.5;
    let onBends = 0;
    let egoOnBends = 0;
    for (let seed = 0; seed < 12; seed++) {
      const location = LOCATIONS[seed % 2];
      const root = new Random(seed);
      const town = buildTown(location, root.fork('town'));
      const scene = root.fork('scene');
      const ego = planEgoRoute(town, durationS, scene.fork('ego'));
      const agents = populateScene(town, ego, durationS, scene.fork('agents'));
      const json = buildMapExpansion(town, tokenFactory(seed));
      const nodes = nodesOf(json);
      const lanes = json.lane.map((l) => ringOf(json, nodes, l.polygon_token));
      const inLane = (p: XY) => lanes.some((ring) => inRing(ring, p));
      /**
       * The poses of a drive on the bends, checked to head along the road (unless `changingLanes`) at `step`
       * metres per 0.1 s.
       */
      const onBend = (
        what: string,
        pose: (t: number) => PlanarPose,
        step: (t: number) => number,
        changingLanes: (straight: readonly [number, number]) => boolean = () => false,
      ) => {
        const bent: PlanarPose[] = [];
        for (let t = 0; t + 0.1 <= durationS; t += 0.1) {
          const [a, b] = [pose(t), pose(t + 0.1)];
          const straight = straightPoint(town.bends, a.x, a.y);
          assert.ok(straight, `${what} t=${t.toFixed(1)}: where the road was before it bent`);
          const bend = town.bends.find((b) => unbendPoint(b, a.x, a.y));
          if (!bend) continue;
          const along = bend.axis === 'x' ? 0 : Math.PI / 2;
          const road = bendPose([bend], { x: straight[0], y: straight[1], yaw: along }).yaw;
          if (road === along) continue;
          bent.push(a);
          // Heading along the road, one way or the other.
          const off = Math.abs(wrap(2 * (a.yaw - road))) / 2;
          assert.ok(
            off < 1e-9 || changingLanes(straight),
            `${what} t=${t.toFixed(1)}: heading ${a.yaw} on a road heading ${road}`,
          );
          // A chord is at most as long as its arc, and barely shorter over 0.1 s on a 30 m radius.
          const chord = Math.hypot(b.x - a.x, b.y - a.y);
          assert.ok(
            chord <= step(t) + 1e-9 && chord >= step(t) * 0.999,
            `${what} t=${t.toFixed(1)}: ${chord}`,
          );
        }
        return bent;
      };
      for (const agent of agents.filter((a: Agent) => a.state === 'moving')) {
        const what = `${location} seed ${seed}: ${agent.kind} #${agent.id}`;
        const bent = onBend(
          what,
          (t) => agentPose(agent, t),
          () => agent.speed * 0.1,
        );
        if (bent.length === 0) continue;
        onBends++;
        if (agent.kind === 'pedestrian') continue;
        for (const p of bent) {
          assert.ok(inLane([p.x, p.y]), `${what}: out of its lane at ${p.x}, ${p.y}`);
          for (const [x, y] of footprint(p.x, p.y, p.yaw, agent.size[0], agent.size[1])) {
            // Traffic may drive off the map's edge, where the roads go on.
            if (x < 0 || y < 0 || x > town.size || y > town.size) continue;
            assert.ok(onRoad(town, x, y), `${what}: off the road at ${x}, ${y}`);
          }
        }
      }
      const egoStep = (t: number) => egoDistance(ego, t + 0.1) - egoDistance(ego, t);
      // Between its lanes' centres, the ego is changing lanes: heading off the road.
      const egoChanging = ([x, y]: readonly [number, number]) =>
        ego.laneChange !== undefined &&
        [ego.laneCoordinate, ego.laneChange.fromCoordinate].every(
          (lane) => Math.abs((ego.axis === 'x' ? y : x) - lane) > 1e-9,
        );
      const egoBent = onBend(`${location} seed ${seed}: ego`, (t) => egoPose(ego, t), egoStep, egoChanging);
      for (const p of egoBent) assert.ok(inLane([p.x, p.y]), `ego out of its lane at ${p.x}, ${p.y}`);
      if (egoBent.length > 0) egoOnBends++;
    }
    assert.ok(onBends > 20, `only ${onBends} moving agents on bends`);
    assert.ok(egoOnBends > 0, 'the ego never drove a bend');
  });
});

/** The basemap's drivable mask with row 0 at the southern edge, as the ground raster. */
function rasteriseBasemap(town: Town): Uint8Array {
  const png = PNG.sync.read(basemapPng(town));
  const cells = png.width;
  const south = new Uint8Array(cells * cells);
  for (let row = 0; row < cells; row++) {
    for (let col = 0; col < cells; col++)
      south[row * cells + col] = png.data[((cells - 1 - row) * cells + col) * 4];
  }
  return south;
}
