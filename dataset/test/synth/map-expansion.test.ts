import assert from 'node:assert/strict';
import { validateMapExpansion } from '../../src/map/expansion-validate.ts';
import { MapExpansion } from '../../src/map/map-expansion.ts';
import { isValid } from '../../src/map/planar.ts';
import { buildMapExpansion } from '../../src/synth/map-expansion.ts';
import { Random } from '../../src/synth/random.ts';
import { tokenFactory } from '../../src/synth/tokens.ts';
import { buildTown, roadHalfWidth } from '../../src/synth/town.ts';

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

  it('links each lane to the lane it leads into across the junction ahead, heading on the same way', () => {
    const { town, json } = townMap('boston-seaport', 4);
    const half = roadHalfWidth(town);
    let links = 0;
    for (const lane of json.lane) {
      const [end] = json.arcline_path_3[lane.token].slice(-1);
      for (const next of json.connectivity[lane.token].outgoing) {
        const start = json.arcline_path_3[next][0].start_pose;
        const ahead = [
          end.end_pose[0] + 2 * half * Math.cos(end.end_pose[2]),
          end.end_pose[1] + 2 * half * Math.sin(end.end_pose[2]),
        ];
        assert.ok(Math.hypot(start[0] - ahead[0], start[1] - ahead[1]) < 1e-2, `${lane.token} -> ${next}`);
        assert.ok(Math.abs(start[2] - end.end_pose[2]) < 1e-3);
        assert.ok(json.connectivity[next].incoming.includes(lane.token));
        links++;
      }
    }
    assert.ok(links > json.lane.length / 2, `${links} links`);
  });
});
