import assert from 'node:assert/strict';
import {
  EGO_LENGTH_M,
  EGO_WIDTH_M,
  egoDistance,
  egoPose,
  pathPose,
  planEgoRoute,
} from '../../src/synth/ego.ts';
import { footprint } from '../../src/synth/footprint.ts';
import type { PlanarPose } from '../../src/synth/quarter-turn.ts';
import { Random } from '../../src/synth/random.ts';
import { bendPose, type RoadBend, straightPoint } from '../../src/synth/road-bends.ts';
import { acrossTurnSign, buildTown, laneOffset, roadHalfWidth, turnLaneStart } from '../../src/synth/town.ts';
import { onRoad } from '../helpers/town-road.ts';

const DURATION_S = 9.5;

function routes(count: number) {
  return Array.from({ length: count }, (_, seed) => {
    const root = new Random(seed);
    const town = buildTown(seed % 2 === 0 ? 'boston-seaport' : 'singapore-onenorth', root.fork('town'));
    return { town, route: planEgoRoute(town, DURATION_S, root.fork('ego')) };
  });
}

const wrap = (a: number) => Math.atan2(Math.sin(a), Math.cos(a));

/** Where a pose of the bent town lay in the straight one, and how far the road under it turned. */
function unbent(bends: readonly RoadBend[], p: PlanarPose): { x: number; y: number; roadTurn: number } {
  const straight = straightPoint(bends, p.x, p.y);
  assert.ok(straight, `${p.x}, ${p.y} is where a bent road used to be`);
  const [x, y] = straight;
  return { x, y, roadTurn: bendPose(bends, { x, y, yaw: 0 }).yaw };
}

describe('the ego drive', () => {
  it('turns a quarter circle, left or right, at a junction in most scenes', () => {
    const all = routes(40);
    const turning = all.filter(({ route }) => route.turn !== undefined);
    assert.ok(turning.length >= 15, `${turning.length} of 40`);
    assert.ok(
      turning.some(({ route }) => route.turn?.sign === 1) &&
        turning.some(({ route }) => route.turn?.sign === -1),
    );
    for (const { route } of turning) {
      const [start, end] = [egoPose(route, 0), egoPose(route, DURATION_S)];
      // A quarter turn, and on a bent road the road's own turn under the start and the end.
      const roads = unbent(route.bends, end).roadTurn - unbent(route.bends, start).roadTurn;
      const change = wrap(end.yaw - start.yaw - roads);
      assert.ok(Math.abs(change - (route.turn!.sign * Math.PI) / 2) < 1e-9, `${change}`);
    }
  });

  it('turns across the oncoming traffic from a turn lane, and only from there, where the approach has one', () => {
    let fromTurnLane = 0;
    let besideTurnLane = 0;
    for (const { town, route } of routes(120)) {
      if (!route.turn) continue;
      // The junction the arc starts at: the arc starts where the approach's lane ends.
      const arcStart = route.start + route.direction * route.turn.atM;
      const approach = town.segments.find(
        (s) =>
          s.axis === route.axis &&
          s.centre === route.roadCentre &&
          Math.abs((route.direction > 0 ? s.to : s.from) - arcStart) < roadHalfWidth(town) + 1e-6 &&
          (arcStart - (route.direction > 0 ? s.from : s.to)) * route.direction > 0,
      );
      if (!approach || turnLaneStart(town, approach, route.direction) === undefined) continue;
      const across = route.turn.sign === acrossTurnSign(town.driveSide);
      assert.equal(route.lane === 0, across, `lane ${route.lane} turning ${route.turn.sign}`);
      if (across) fromTurnLane++;
      else besideTurnLane++;
    }
    assert.ok(fromTurnLane > 0 && besideTurnLane > 0, `${fromTurnLane} and ${besideTurnLane} turns`);
  });

  it('halts at the stop line of its own lane in some straight drives, braking and pulling away smoothly', () => {
    const stopping = routes(60).filter(({ route }) => route.stop !== undefined);
    assert.ok(stopping.length >= 8, `${stopping.length} of 60`);
    for (const { town, route } of stopping) {
      const stop = route.stop!;
      const halted = egoPose(route, stop.brakeAtS + route.baseSpeed / 2.5 + stop.holdS / 2);
      const along = route.axis === 'x' ? halted.x : halted.y;
      const line = town.crossings
        .filter(
          (c) =>
            c.stopDirection === route.direction && town.segments[c.segmentId].centre === route.roadCentre,
        )
        .map((c) => town.segments[c.segmentId].axis === route.axis && c.stopLine)
        .filter((l) => l !== false)
        .map((l) => (route.axis === 'x' ? [l.x0, l.x1] : [l.y0, l.y1]))
        .map(([lo, hi]) => (route.direction > 0 ? lo : hi));
      // The front bumper a metre short of one of its lane's stop lines.
      const front = along + (route.direction * EGO_LENGTH_M) / 2;
      assert.ok(
        line.some((edge) => Math.abs(edge - front - route.direction) < 1e-6),
        `${front} vs ${line}`,
      );
      let speed = egoDistance(route, 0.05) / 0.05;
      for (let t = 0.05; t < DURATION_S; t += 0.05) {
        const next = (egoDistance(route, t + 0.05) - egoDistance(route, t)) / 0.05;
        assert.ok(next >= -1e-9, `t=${t}: backwards`);
        assert.ok(Math.abs(next - speed) <= 2.5 * 0.05 + 1e-6, `t=${t}: speed jumps ${speed} -> ${next}`);
        speed = next;
      }
    }
  });

  it('moves without jumps: position and heading change smoothly and the distance matches the speed profile', () => {
    for (const { route } of routes(20)) {
      for (let t = 0; t < DURATION_S; t += 0.05) {
        const [a, b] = [egoPose(route, t), egoPose(route, t + 0.05)];
        const step = Math.hypot(b.x - a.x, b.y - a.y);
        const driven = egoDistance(route, t + 0.05) - egoDistance(route, t);
        // A chord is at most as long as its arc, and barely shorter over 5 cm of a 6 m radius.
        assert.ok(step <= driven + 1e-9 && step >= driven * 0.999 - 1e-12, `t=${t}: ${step} vs ${driven}`);
        // Turning no faster than along the tightest arc, 6 m.
        assert.ok(
          Math.abs(wrap(b.yaw - a.yaw)) <= driven / 6 + 1e-9,
          `t=${t}: heading jumps ${b.yaw - a.yaw}`,
        );
      }
    }
  });

  it('leaves the junction in the lane of the same index on the crossing road, and stays on the map', () => {
    for (const { town, route } of routes(40)) {
      const end = { ...egoPose(route, DURATION_S), ...unbent(route.bends, egoPose(route, DURATION_S)) };
      for (const t of [0, DURATION_S]) {
        const p = egoPose(route, t);
        assert.ok(p.x > 0 && p.x < town.size && p.y > 0 && p.y < town.size, `${p.x}, ${p.y}`);
      }
      if (!route.turn) continue;
      const exitAxis = route.axis === 'x' ? 'y' : 'x';
      const across = exitAxis === 'x' ? end.y : end.x;
      const heading = exitAxis === 'x' ? Math.sign(Math.cos(end.yaw)) : Math.sign(Math.sin(end.yaw));
      const lanes = town.roadCentres.map(
        (c) => c + laneOffset(town, exitAxis, heading as 1 | -1, route.lane),
      );
      assert.ok(
        lanes.some((l) => Math.abs(l - across) < 1e-6),
        `${across} not in ${lanes}`,
      );
    }
  });

  it('keeps its whole footprint on the road, through the turns round the rounded kerbs too', () => {
    for (const { town, route } of routes(40)) {
      for (let t = 0; t <= DURATION_S; t += 0.1) {
        const p = egoPose(route, t);
        for (const [x, y] of footprint(p.x, p.y, p.yaw, EGO_WIDTH_M, EGO_LENGTH_M)) {
          assert.ok(onRoad(town, x, y), `t=${t.toFixed(1)}: a corner at ${x}, ${y} is off the road`);
        }
      }
    }
  });

  it('turns at T junctions too, into the road that leaves them', () => {
    const atT = routes(60).filter(({ town, route }) => {
      if (!route.turn) return false;
      const arcStart = pathPose(route, route.turn.atM);
      return town.intersections.some(
        (r, i) =>
          Object.values(town.arms[i]).includes(false) &&
          Math.hypot(arcStart.x - (r.x0 + r.x1) / 2, arcStart.y - (r.y0 + r.y1) / 2) < 20,
      );
    });
    assert.ok(atT.length >= 2, `${atT.length} of 60 drives turn at a T junction`);
  });
});
