import assert from 'node:assert/strict';
import type { ArclinePath } from '../../src/map/expansion-types.ts';
import { validateMapExpansion } from '../../src/map/expansion-validate.ts';
import { MapExpansion } from '../../src/map/map-expansion.ts';
import { isValid } from '../../src/map/planar.ts';
import { buildMapExpansion } from '../../src/synth/map-expansion.ts';
import { Random } from '../../src/synth/random.ts';
import { tokenFactory } from '../../src/synth/tokens.ts';
import { buildTown } from '../../src/synth/town.ts';

/** Where the devkit's walk along an arcline path ends: each part an arc (L +1, R -1) or straight (S). */
function arclineEnd(path: ArclinePath): [number, number, number] {
  let [x, y, yaw] = path.start_pose;
  path.segment_length.forEach((length, i) => {
    const sign = { L: 1, R: -1, S: 0 }[path.shape[i] as 'L' | 'R' | 'S'];
    if (sign === 0 || length === 0) {
      [x, y] = [x + length * Math.cos(yaw), y + length * Math.sin(yaw)];
      return;
    }
    const r = path.radius;
    const [cx, cy] = [x - sign * r * Math.sin(yaw), y + sign * r * Math.cos(yaw)];
    yaw += (sign * length) / r;
    [x, y] = [cx + sign * r * Math.sin(yaw), cy - sign * r * Math.cos(yaw)];
  });
  return [x, y, yaw];
}

function townMap(location: 'boston-seaport' | 'singapore-onenorth', seed: number) {
  const town = buildTown(location, new Random(seed).fork('town'));
  const json = buildMapExpansion(town, tokenFactory(seed));
  return {
    town,
    json,
    map: new MapExpansion(location, validateMapExpansion(structuredClone(json), 'synth'), 'synth'),
  };
}

describe('the synthetic town as a map expansion', () => {
  it('holds records of the shapes the devkit reads, each pointing at valid geometry that exists', () => {
    for (const [location, seed] of [
      ['boston-seaport', 1],
      ['singapore-onenorth', 2],
    ] as const) {
      const { map } = townMap(location, seed);
      const r = map.records;
      for (const layer of [
        'road_segment',
        'road_block',
        'lane',
        'ped_crossing',
        'stop_line',
        'walkway',
      ] as const) {
        for (const rec of r[layer]) {
          const polygon = map.polygon(rec.polygon_token);
          assert.ok(!polygon.isEmpty() && isValid(polygon), `${layer} ${rec.token}`);
        }
      }
      for (const rec of [...r.road_divider, ...r.lane_divider]) map.line(rec.line_token);
      for (const stop of r.stop_line) map.get('road_block', stop.road_block_token);
      for (const [laneToken, links] of Object.entries(r.connectivity)) {
        assert.ok(r.arcline_path_3[laneToken], `no arcline for ${laneToken}`);
        for (const t of [...links.incoming, ...links.outgoing]) assert.ok(r.connectivity[t], `dangling ${t}`);
      }
    }
  });

  it('takes every lane that meets a junction on through lane connectors: straight, and quarter circles left and right where those roads are', () => {
    const { json } = townMap('singapore-onenorth', 4);
    const connectors = new Set(json.lane_connector.map((c) => c.token));
    const wrap = (a: number) => Math.atan2(Math.sin(a), Math.cos(a));
    const near = (a: readonly number[], b: readonly number[]) =>
      Math.hypot(a[0] - b[0], a[1] - b[1]) < 2e-3 && Math.abs(wrap(a[2] - b[2])) < 2e-3;
    const lanes = new Set(json.lane.map((l) => l.token));
    let junctionLanes = 0;
    let tLanes = 0;
    for (const lane of json.lane) {
      const out = json.connectivity[lane.token].outgoing;
      // A lane that runs into its turn lane meets no junction (turn-lanes.test.ts).
      if (out.length === 0 || out.every((t) => lanes.has(t))) continue;
      junctionLanes++;
      // Straight on, left and right at an X junction; two of them at a T; a turn lane and the lane beside it share them.
      assert.ok(out.length >= 1, `${lane.token}: no way on`);
      if (out.length === 2) tLanes++;
      const laneEnd = (json.arcline_path_3[lane.token].at(-1) as ArclinePath).end_pose;
      const turns = out.map((token) => {
        assert.ok(connectors.has(token), `${token} is not a lane connector`);
        const [path] = json.arcline_path_3[token];
        assert.ok(near(path.start_pose, laneEnd), `${token} starts away from its lane's end`);
        const end = arclineEnd(path);
        // Poses are stored to the millimetre and milliradian: over a 30 m path that is 3 cm.
        assert.ok(
          Math.hypot(end[0] - path.end_pose[0], end[1] - path.end_pose[1]) < 0.03 &&
            Math.abs(wrap(end[2] - path.end_pose[2])) < 2e-3,
          `${token}: its arcline ends at ${end}, not ${path.end_pose}`,
        );
        const [next] = json.connectivity[token].outgoing;
        assert.ok(near(json.arcline_path_3[next][0].start_pose, path.end_pose), `${token} -> ${next}`);
        assert.deepEqual(json.connectivity[token].incoming, [lane.token]);
        assert.ok(json.connectivity[next].incoming.includes(token));
        if (path.segment_length[0] > 0) assert.ok(path.radius > 5, `${token}: radius ${path.radius}`);
        return Math.round(wrap(path.end_pose[2] - path.start_pose[2]) / (Math.PI / 2));
      });
      assert.deepEqual(
        turns,
        [0, 1, -1].filter((turn) => turns.includes(turn)),
      );
    }
    assert.ok(tLanes > 0, 'no lane meets a T junction');
    assert.ok(junctionLanes > json.lane.length / 2, `${junctionLanes} of ${json.lane.length} lanes`);
  });
});
