import assert from 'node:assert/strict';
import { type Agent, agentPose } from '../../src/synth/agents.ts';
import { EGO_LENGTH_M, EGO_WIDTH_M, egoPose, planEgoRoute } from '../../src/synth/ego.ts';
import { footprint, footprintsOverlap as overlap } from '../../src/synth/footprint.ts';
import { GROUND_RESOLUTION, MATERIAL, rasteriseGround } from '../../src/synth/ground.ts';
import { buildMapExpansion } from '../../src/synth/map-expansion.ts';
import { populateScene } from '../../src/synth/populate.ts';
import { quarterTurnPose } from '../../src/synth/quarter-turn.ts';
import { Random } from '../../src/synth/random.ts';
import { tokenFactory } from '../../src/synth/tokens.ts';
import { buildTown, junctionEdge, laneOffset, turnLaneStart } from '../../src/synth/town.ts';
import { onRoad } from '../helpers/town-road.ts';

const agentFootprint = (a: Agent, t: number) => {
  const { x, y, yaw } = agentPose(a, t);
  return footprint(x, y, yaw, a.size[0], a.size[1]);
};
const agentPosition = (a: Agent, t: number) => {
  const { x, y } = agentPose(a, t);
  return [x, y] as const;
};

const DURATION_S = 9.5;

/**
 * The 20 scenes most tests look at, seeds 0-9 in both cities, with the ego and agents drawn as the generator draws
 * them: at the density given, else 0.5, 1 or 1.6 by seed (the generator draws from 0.5 to 1.6).
 */
function* populatedScenes(density?: number) {
  for (let seed = 0; seed < 10; seed++) {
    for (const location of ['boston-seaport', 'singapore-onenorth'] as const) {
      const root = new Random(seed);
      const town = buildTown(location, root.fork('town'));
      const scene = root.fork('scene');
      const ego = planEgoRoute(town, DURATION_S, scene.fork('ego'));
      const agents = populateScene(
        town,
        ego,
        DURATION_S,
        scene.fork('agents'),
        density ?? [0.5, 1, 1.6][seed % 3],
      );
      yield { seed, location, town, ego, agents };
    }
  }
}

describe('synthetic scene population', () => {
  it('never lets two agents, or an agent and the ego, overlap during a scene (20 scenes, sparse to busiest)', () => {
    for (const { seed, location, ego, agents } of populatedScenes()) {
      assert.ok(agents.length > 30, `${location} seed ${seed}: only ${agents.length} agents`);
      for (let t = 0; t <= DURATION_S; t += 0.5) {
        const e = egoPose(ego, t);
        const egoBox = footprint(e.x, e.y, e.yaw, EGO_WIDTH_M, EGO_LENGTH_M);
        const near = agents.filter((a) => {
          const [x, y] = agentPosition(a, t);
          return Math.hypot(x - e.x, y - e.y) < 60;
        });
        const boxes = near.map((a) => agentFootprint(a, t));
        const centres = near.map((a) => agentPosition(a, t));
        const radius = near.map((a) => Math.hypot(a.size[0], a.size[1]) / 2);
        for (let i = 0; i < near.length; i++) {
          const what = `${location} seed ${seed} t=${t}: ${near[i].kind} #${near[i].id}`;
          assert.ok(!overlap(boxes[i], egoBox), `${what} overlaps the ego`);
          for (let j = i + 1; j < near.length; j++) {
            const apart = Math.hypot(centres[i][0] - centres[j][0], centres[i][1] - centres[j][1]);
            if (apart > radius[i] + radius[j]) continue;
            assert.ok(!overlap(boxes[i], boxes[j]), `${what} overlaps ${near[j].kind} #${near[j].id}`);
          }
        }
      }
    }
  });

  it('keeps every vehicle off the ego while and after it changes lanes (16 scenes with a change, busiest traffic)', () => {
    let scenes = 0;
    for (let seed = 0; scenes < 16; seed++) {
      for (const [location, durationS] of [
        ['boston-seaport', 9.5],
        ['singapore-onenorth', 19.5],
      ] as const) {
        const root = new Random(seed);
        const town = buildTown(location, root.fork('town'));
        const scene = root.fork('scene');
        const ego = planEgoRoute(town, durationS, scene.fork('ego'));
        if (!ego.laneChange) continue;
        scenes++;
        const agents = populateScene(town, ego, durationS, scene.fork('agents'), 1.6);
        for (let t = 0; t <= durationS; t += 0.1) {
          const e = egoPose(ego, t);
          const egoBox = footprint(e.x, e.y, e.yaw, EGO_WIDTH_M, EGO_LENGTH_M);
          for (const a of agents) {
            const [x, y] = agentPosition(a, t);
            if (Math.hypot(x - e.x, y - e.y) > 12) continue;
            assert.ok(
              !overlap(agentFootprint(a, t), egoBox),
              `${location} seed ${seed} t=${t.toFixed(1)}: #${a.id}`,
            );
          }
        }
      }
    }
  });

  it("turns some vehicles round the kerb at junctions, and inner-lane ones across the road out of turn lanes, along the map's lane connectors and on the road throughout", () => {
    let turners = 0;
    let fromTurnLanes = 0;
    for (const { seed, location, town, agents: populated } of populatedScenes()) {
      const agents = populated.filter((a) => a.turn);
      if (agents.length === 0) continue;
      const map = buildMapExpansion(town, tokenFactory(seed));
      const lanes = new Set(map.lane.map((l) => l.token));
      const turning = map.lane_connector.filter((c) => map.arcline_path_3[c.token][0].radius < 999);
      for (const a of agents) {
        turners++;
        const turn = a.turn!;
        const arc = quarterTurnPose(a.startX, a.startY, a.yaw, turn, turn.atM);
        const connector = turning.find(({ token }) => {
          const [p] = map.arcline_path_3[token];
          return (
            Math.hypot(p.start_pose[0] - arc.x, p.start_pose[1] - arc.y) < 2e-3 &&
            Math.abs(p.radius - turn.radiusM) < 2e-3 &&
            p.shape[0] === (turn.sign > 0 ? 'L' : 'R')
          );
        });
        assert.ok(connector, `${location} seed ${seed}: agent #${a.id} turns where no lane connector does`);
        // Driving on the side of the road its town keeps to, it turns towards the kerb, or across the road
        // from a turn lane (a lane that another lane runs into).
        if (turn.sign !== (town.driveSide === 'right' ? -1 : 1)) {
          const [from] = map.connectivity[connector.token].incoming;
          assert.ok(
            map.connectivity[from].incoming.some((t) => lanes.has(t)),
            `agent #${a.id}: not from a turn lane`,
          );
          fromTurnLanes++;
        }
        for (let t = 0; t <= DURATION_S; t += 0.1) {
          const { x, y, yaw } = agentPose(a, t);
          for (const [cx, cy] of footprint(x, y, yaw, a.size[0], a.size[1])) {
            assert.ok(
              onRoad(town, cx, cy),
              `${location} seed ${seed} t=${t.toFixed(1)}: agent #${a.id} off the road`,
            );
          }
        }
      }
    }
    assert.ok(turners >= 15, `only ${turners} turning vehicles in 20 scenes`);
    assert.ok(fromTurnLanes > 0, 'no vehicle turns out of a turn lane');
  });

  it('never drives a vehicle straight on out of a turn lane', () => {
    let innerLane = 0;
    for (const { seed, location, town, agents } of populatedScenes(1.6)) {
      for (const a of agents) {
        if (a.state !== 'moving' || a.kind === 'pedestrian' || a.turn) continue;
        // Lane traffic starts in the straight town, heading along its road.
        const axis = Math.abs(Math.cos(a.yaw)) > 0.5 ? 'x' : 'y';
        const direction = (axis === 'x' ? Math.sign(Math.cos(a.yaw)) : Math.sign(Math.sin(a.yaw))) as 1 | -1;
        const [along, across] = axis === 'x' ? [a.startX, a.startY] : [a.startY, a.startX];
        const centre = town.roadCentres.find(
          (c) => Math.abs(across - (c + laneOffset(town, axis, direction, 0))) < 1e-6,
        );
        if (centre === undefined) continue;
        innerLane++;
        const end = along + direction * a.speed * DURATION_S;
        for (const s of town.segments.filter((o) => o.axis === axis && o.centre === centre)) {
          if (turnLaneStart(town, s, direction) === undefined) continue;
          // Into the junction from anywhere before it: the turn lane or the crossing past its end.
          const edge = junctionEdge(s, direction);
          assert.ok(
            !((edge - along) * direction >= 0 && (end - edge) * direction > 0),
            `${location} seed ${seed}: agent #${a.id} drives straight on out of a turn lane`,
          );
        }
      }
    }
    assert.ok(innerLane > 20, `${innerLane} vehicles in inner lanes`);
  });

  it("keeps every moving vehicle on the road, turning off before a T junction's closed side", () => {
    let nearT = 0;
    for (const { seed, location, town, agents: populated } of populatedScenes()) {
      const vehicles = populated.filter((a) => a.state === 'moving' && a.kind !== 'pedestrian');
      const tJunctions = town.intersections.filter((_, i) => Object.values(town.arms[i]).includes(false));
      for (const a of vehicles) {
        for (let t = 0; t <= DURATION_S; t += 0.5) {
          const { x, y, yaw } = agentPose(a, t);
          // Traffic may drive off the map's edge, where the roads go on.
          if (x < 0 || y < 0 || x > town.size || y > town.size) continue;
          if (tJunctions.some((r) => Math.hypot(x - (r.x0 + r.x1) / 2, y - (r.y0 + r.y1) / 2) < 20)) nearT++;
          for (const [cx, cy] of footprint(x, y, yaw, a.size[0], a.size[1])) {
            if (cx < 0 || cy < 0 || cx > town.size || cy > town.size) continue;
            assert.ok(
              onRoad(town, cx, cy),
              `${location} seed ${seed} t=${t}: ${a.kind} #${a.id} off the road`,
            );
          }
        }
      }
    }
    assert.ok(nearT > 20, `vehicles came near a T junction only ${nearT} times`);
  });

  it('keeps walkers on sidewalks and crossings, never onto the grass where a T junction left a road out', () => {
    for (const { seed, location, town, agents: populated } of populatedScenes()) {
      const ground = rasteriseGround(town);
      const walkers = populated.filter((a) => a.kind === 'pedestrian' && a.state === 'moving');
      for (const a of walkers) {
        for (let t = 0; t <= DURATION_S; t += 0.5) {
          const { x, y } = agentPose(a, t);
          if (x < 0 || y < 0 || x >= town.size || y >= town.size) continue;
          const cell = Math.floor(y / GROUND_RESOLUTION) * ground.cells + Math.floor(x / GROUND_RESOLUTION);
          const material = ground.data[cell];
          assert.ok(
            material !== MATERIAL.grass && material !== MATERIAL.concrete && material !== MATERIAL.carpark,
            `${location} seed ${seed} t=${t}: walker #${a.id} off the sidewalks`,
          );
        }
      }
    }
  });

  it('places more agents in a busier scene', () => {
    const root = new Random(5);
    const town = buildTown('boston-seaport', root.fork('town'));
    const ego = planEgoRoute(town, 9.5, root.fork('ego'));
    const count = (density: number) => populateScene(town, ego, 9.5, root.fork('agents'), density).length;
    assert.ok(count(1.6) > 1.3 * count(0.5), `${count(1.6)} vs ${count(0.5)}`);
  });

  it('populates every class the issue asks for, some moving and some not (three scenes)', () => {
    // Parked cars need a carpark near the drive, which not every scene has.
    const agents = [3, 4, 5].flatMap((seed) => {
      const root = new Random(seed);
      const town = buildTown('boston-seaport', root.fork('town'));
      const ego = planEgoRoute(town, 9.5, root.fork('ego'));
      return populateScene(town, ego, 9.5, root.fork('agents'));
    });
    const kinds = new Set(agents.map((a) => `${a.kind}/${a.state}`));
    for (const kind of [
      'car/moving',
      'car/parked',
      'pedestrian/moving',
      'pedestrian/standing',
      'cone/static',
      'barrier/static',
    ]) {
      assert.ok(kinds.has(kind), `no ${kind} in ${[...kinds].join(', ')}`);
    }
    for (const a of agents) assert.equal(a.speed > 0, a.state === 'moving', `${a.kind} #${a.id}`);
  });
});
