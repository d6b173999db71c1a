import assert from 'node:assert/strict';
import { bevMasksInPatch } from '../../src/map/bev-masks.ts';
import type { LaneDividerSegment } from '../../src/map/expansion-types.ts';
import { validateMapExpansion } from '../../src/map/expansion-validate.ts';
import { MapExpansion } from '../../src/map/map-expansion.ts';
import { mapTrGtVectorsInPatch } from '../../src/map/maptr-vectors.ts';
import { GROUND_RESOLUTION, MATERIAL, rasteriseGround } from '../../src/synth/ground.ts';
import { buildMapExpansion } from '../../src/synth/map-expansion.ts';
import { Random } from '../../src/synth/random.ts';
import { tokenFactory } from '../../src/synth/tokens.ts';
import {
  acrossTurnSign,
  buildTown,
  laneExtent,
  TOWN_CROSSING_DEPTH,
  travelSideSign,
  turnLaneStart,
} from '../../src/synth/town.ts';

const LOCATIONS = [
  ['boston-seaport', 3],
  ['singapore-onenorth', 5],
] as const;

function townMap(location: (typeof LOCATIONS)[number][0], seed: number) {
  const town = buildTown(location, new Random(seed).fork('town'));
  const token = tokenFactory(seed);
  const json = buildMapExpansion(town, token);
  const tokenOf = (layer: string, ...identity: (string | number)[]) =>
    token('map', location, layer, ...identity);
  return { town, json, tokenOf };
}

/** The quarter turns (+1 left, -1 right, 0 straight) of the lane connectors leaving `lane`. */
function waysOn(json: ReturnType<typeof townMap>['json'], lane: string): number[] {
  return json.connectivity[lane].outgoing.map((c) => {
    const [path] = json.arcline_path_3[c];
    const turn = path.end_pose[2] - path.start_pose[2];
    return Math.round(Math.atan2(Math.sin(turn), Math.cos(turn)) / (Math.PI / 2));
  });
}

const types = (segments: readonly LaneDividerSegment[]) => segments.map((s) => s.segment_type);

describe('turn lanes at junctions', () => {
  for (const [location, seed] of LOCATIONS) {
    it(`${location}: on flagged approaches the inner lane runs into a turn lane whose only way on is the turn across the oncoming traffic; the lane beside it keeps straight and the kerb-side turn behind a solid line`, () => {
      const { town, json, tokenOf } = townMap(location, seed);
      const across = acrossTurnSign(town.driveSide);
      const lanes = new Map(json.lane.map((l) => [l.token, l]));
      assert.ok(town.turnLanes.length > 0, 'no approach has a turn lane');
      let [straightBeside, kerbSideBeside] = [0, 0];
      for (const { segmentId, direction } of town.turnLanes) {
        const lane = tokenOf('lane', segmentId, direction, 0);
        const turn = tokenOf('lane', segmentId, direction, 0, 'turn');
        const beside = tokenOf('lane', segmentId, direction, 1);
        assert.deepEqual(json.connectivity[lane].outgoing, [turn]);
        assert.deepEqual(json.connectivity[turn].incoming, [lane]);
        assert.deepEqual(waysOn(json, turn), [across]);
        const besideWays = waysOn(json, beside);
        assert.ok(besideWays.length > 0 && !besideWays.includes(across), `${beside}: ${besideWays}`);
        // A T junction may be closed straight ahead or on the kerb side, never both.
        if (besideWays.includes(0)) straightBeside++;
        if (besideWays.includes(-across)) kerbSideBeside++;
        // The lane and its turn lane meet where the turn lane starts.
        const laneEnd = json.arcline_path_3[lane].at(-1)?.end_pose;
        assert.deepEqual(laneEnd?.slice(0, 2), json.arcline_path_3[turn][0].start_pose.slice(0, 2));
        // The turn lane's outer side (right under right-hand traffic) is the solid line.
        const turnRecord = lanes.get(turn);
        assert.ok(turnRecord);
        const outerSide =
          town.driveSide === 'right'
            ? turnRecord.right_lane_divider_segments
            : turnRecord.left_lane_divider_segments;
        assert.ok(
          types(outerSide).every((t) => t === 'SINGLE_SOLID_WHITE'),
          `${turn}: ${types(outerSide)}`,
        );
        const divider = json.lane_divider.find(
          (d) => d.token === tokenOf('lane_divider', segmentId, direction, 1),
        );
        const marks = types(divider?.lane_divider_segments ?? []);
        assert.equal(marks[0], 'SINGLE_DASHED_WHITE');
        assert.equal(marks.at(-1), 'SINGLE_SOLID_WHITE');
      }
      assert.ok(straightBeside > 0, 'no lane beside a turn lane goes straight on');
      assert.ok(kerbSideBeside > 0, 'no lane beside a turn lane turns towards the kerb');
    });

    it(`${location}: approaches without a turn lane keep one inner lane with every way on and a dashed line`, () => {
      const { town, json, tokenOf } = townMap(location, seed);
      const connectors = new Set(json.lane_connector.map((c) => c.token));
      let plain = 0;
      for (const s of town.segments) {
        for (const direction of [1, -1] as const) {
          const edge = direction > 0 ? s.to : s.from;
          if (edge === 0 || edge === town.size || turnLaneStart(town, s, direction) !== undefined) continue;
          plain++;
          const lane = tokenOf('lane', s.id, direction, 0);
          assert.ok(!(tokenOf('lane', s.id, direction, 0, 'turn') in json.connectivity));
          assert.ok(json.connectivity[lane].outgoing.every((t) => connectors.has(t)));
          assert.ok(waysOn(json, lane).length >= 2);
          const divider = json.lane_divider.find(
            (d) => d.token === tokenOf('lane_divider', s.id, direction, 1),
          );
          assert.ok(types(divider?.lane_divider_segments ?? []).every((t) => t === 'SINGLE_DASHED_WHITE'));
        }
      }
      assert.ok(plain > 0, 'every approach has a turn lane');
    });
  }

  it('draws turn lanes of 20 to 40 m, each as long in its map record as in the town, and leaves room before them', () => {
    const lengths = new Set<number>();
    for (const [location] of LOCATIONS) {
      for (let seed = 0; seed < 10; seed++) {
        const { town, json, tokenOf } = townMap(location, seed);
        for (const { segmentId, direction, lengthM } of town.turnLanes) {
          assert.ok(lengthM >= 20 && lengthM <= 40, `${location} ${seed}: ${lengthM} m`);
          lengths.add(lengthM);
          const s = town.segments[segmentId];
          const laneStart = laneExtent(town, s)[direction > 0 ? 0 : 1];
          const split = turnLaneStart(town, s, direction) as number;
          assert.ok((split - laneStart) * direction >= 5, `${location} ${seed}: segment ${segmentId}`);
          if (town.bends.some((b) => b.segmentId === segmentId)) continue;
          const [path] = json.arcline_path_3[tokenOf('lane', segmentId, direction, 0, 'turn')];
          assert.equal(path.segment_length[1], lengthM);
        }
      }
    }
    assert.ok(lengths.size >= 10, `only ${[...lengths]} m`);
  });

  it('paints the line beside a turn lane solid where it is dashed beside a plain lane', () => {
    const { town } = townMap('boston-seaport', 3);
    const ground = rasteriseGround(town);
    const paintAt = (axis: 'x' | 'y', along: number, across: number) => {
      const [x, y] = axis === 'x' ? [along, across] : [across, along];
      const [col, row] = [x, y].map((v) => Math.floor((v + 0.02) / GROUND_RESOLUTION));
      return ground.data[row * ground.cells + col];
    };
    let [solid, dashed] = [0, 0];
    for (const s of town.segments) {
      for (const direction of [1, -1] as const) {
        const edge = direction > 0 ? s.to : s.from;
        if (edge === 0 || edge === town.size) continue;
        const across = s.centre + travelSideSign(s.axis, direction, town.driveSide) * town.laneWidth;
        const laneEnd = laneExtent(town, s)[direction > 0 ? 1 : 0];
        assert.equal(laneEnd, edge - direction * TOWN_CROSSING_DEPTH);
        // The last 6.5 m of the lane, short of any bend: a dash and a gap of the dashed line.
        const cells = Array.from({ length: 65 }, (_, i) =>
          paintAt(s.axis, laneEnd - direction * (0.05 + i * 0.1), across),
        );
        const allPaint = cells.every((c) => c === MATERIAL.whitePaint);
        if (turnLaneStart(town, s, direction) !== undefined) {
          assert.ok(allPaint, `segment ${s.id} direction ${direction}`);
          solid++;
        } else {
          assert.ok(
            !allPaint && cells.includes(MATERIAL.whitePaint),
            `segment ${s.id} direction ${direction}`,
          );
          dashed++;
        }
      }
    }
    assert.ok(solid > 0 && dashed > 0);
  });

  it("reads into MapTR's vectors and BEVFusion's masks with the lane and its turn lane as one piece of road", () => {
    for (const [location, seed] of LOCATIONS) {
      const { town, json } = townMap(location, seed);
      const map = new MapExpansion(location, validateMapExpansion(structuredClone(json), 'synth'), 'synth');
      let checked = 0;
      for (const { segmentId, direction } of town.turnLanes) {
        const s = town.segments[segmentId];
        if (town.bends.some((b) => b.segmentId === segmentId)) continue;
        const split = turnLaneStart(town, s, direction) as number;
        const across = s.centre + travelSideSign(s.axis, direction, town.driveSide) * 0.5 * town.laneWidth;
        const [x, y] = s.axis === 'x' ? [split, across] : [across, split];
        const patch = { x, y, height: 60, width: 30, angleDeg: 0 };
        const vectors = mapTrGtVectorsInPatch(map, patch);
        assert.ok(vectors.some((v) => v.cls_name === 'divider'));
        // Where the two lane records meet, the union of lanes has no seam: no boundary passes the patch centre.
        const boundaryPoints = vectors.filter((v) => v.cls_name === 'boundary').flatMap((v) => v.pts);
        assert.ok(boundaryPoints.length > 0);
        assert.ok(
          boundaryPoints.every(([px, py]) => Math.hypot(px, py) > 1.5),
          `${location} segment ${segmentId}`,
        );
        const masks = bevMasksInPatch(map, patch, 200, 200);
        const divider = masks.classes.indexOf('divider');
        const cells = masks.sizeX * masks.sizeY;
        assert.ok(masks.data.subarray(divider * cells, (divider + 1) * cells).some((v) => v === 1));
        checked++;
      }
      assert.ok(checked > 0, `${location}: no turn lane on a straight segment`);
    }
  });

  it('gives the same map and ground paint for the same seed', () => {
    for (const [location, seed] of LOCATIONS) {
      const [a, b] = [townMap(location, seed), townMap(location, seed)];
      assert.equal(JSON.stringify(a.json), JSON.stringify(b.json));
      assert.deepEqual(a.town.turnLanes, b.town.turnLanes);
      assert.ok(Buffer.from(rasteriseGround(a.town).data).equals(Buffer.from(rasteriseGround(b.town).data)));
    }
  });
});
