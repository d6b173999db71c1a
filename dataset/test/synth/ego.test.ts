import assert from 'node:assert/strict';
import {
  EGO_LENGTH_M,
  EGO_WIDTH_M,
  type EgoRoute,
  egoDistance,
  egoPose,
  pathPose,
  planEgoRoute,
} from '../../src/synth/ego.ts';
import { footprint } from '../../src/synth/footprint.ts';
import type { PlanarPose } from '../../src/synth/quarter-turn.ts';
import { Random } from '../../src/synth/random.ts';
import { bendPose, type RoadBend, straightPoint } from '../../src/synth/road-bends.ts';
import {
  acrossTurnSign,
  buildTown,
  headingOf,
  junctionEdge,
  laneOffset,
  roadHalfWidth,
  turnLaneStart,
} from '../../src/synth/town.ts';
import { onRoad } from '../helpers/town-road.ts';

const DURATION_S = 9.5;

function routes(count: number, durationS = DURATION_S) {
  return Array.from({ length: count }, (_, seed) => {
    const root = new Random(seed);
    const town = buildTown(seed % 2 === 0 ? 'boston-seaport' : 'singapore-onenorth', root.fork('town'));
    return { town, route: planEgoRoute(town, durationS, root.fork('ego')) };
  });
}

/** 200 drives of 9.5 s and 200 of 19.5 s (long enough to change into a turn lane before turning), both cities. */
const manyRoutes = () =>
  [...routes(200), ...routes(200, LONG_S)].map((r, i) => ({
    ...r,
    durationS: i < 200 ? DURATION_S : LONG_S,
  }));
const LONG_S = 19.5;

/** Where along and across its road a drive is, in the straight town, and its heading off the road's. */
function onItsRoad(route: EgoRoute, p: PlanarPose) {
  const { x, y, roadTurn } = unbent(route.bends, p);
  const [along, across] = route.axis === 'x' ? [x, y] : [y, x];
  return { along, across, heading: wrap(p.yaw - roadTurn - headingOf(route.axis, route.direction)) };
}

/** Whether the drive is still on its first road, short of its turn's arc (if any). */
function beforeTurn(route: EgoRoute, along: number): boolean {
  return !route.turn || route.direction * (along - (route.start + route.direction * route.turn.atM)) < -1e-6;
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
  it('is never in a turn lane it does not turn across from (400 drives, both cities, 9.5 s and 19.5 s)', () => {
    let [turnsFromTurnLane, leftLaneZero] = [0, 0];
    for (const { town, route, durationS } of manyRoutes()) {
      if (route.laneChange?.fromLane === 0) leftLaneZero++;
      const across = acrossTurnSign(town.driveSide);
      let turnedHere = false;
      for (let t = 0; t <= durationS; t += 0.1) {
        const { x, y } = unbent(route.bends, egoPose(route, t));
        for (const { segmentId, direction } of town.turnLanes) {
          const s = town.segments[segmentId];
          const [along, acrossAt] = s.axis === 'x' ? [x, y] : [y, x];
          const solid = turnLaneStart(town, s, direction) as number;
          const inLaneZero =
            Math.abs(acrossAt - s.centre - laneOffset(town, s.axis, direction, 0)) < town.laneWidth / 2;
          // From the solid line to the junction: the turn lane and, past its end, the crossing in front of it.
          const edge = junctionEdge(s, direction);
          if (!inLaneZero || (along - solid) * direction < 0 || (along - edge) * direction > 0) continue;
          const arcStart = route.turn && route.start + route.direction * route.turn.atM;
          const what = `t=${t.toFixed(1)}: in the turn lane of segment ${segmentId} (${direction})`;
          assert.ok(
            route.axis === s.axis && route.roadCentre === s.centre && route.direction === direction,
            what,
          );
          assert.equal(route.turn?.sign, across, what);
          assert.ok(arcStart !== undefined && Math.abs(arcStart - edge) < 1e-6, `${what}: turns elsewhere`);
          turnedHere = true;
        }
      }
      if (turnedHere) turnsFromTurnLane++;
    }
    assert.ok(
      turnsFromTurnLane > 10 && leftLaneZero > 5,
      `${turnsFromTurnLane} turns, ${leftLaneZero} changes out`,
    );
  });

  it('changes lanes by one lane width, smoothly, before any solid line: at most 1.5 m/s² across, 0.25 rad/s and 16° off the road', () => {
    const changing = manyRoutes().filter(({ route }) => route.laneChange);
    assert.ok(changing.length > 30, `${changing.length} lane changes`);
    const dt = 0.02;
    for (const { town, route, durationS } of changing) {
      const change = route.laneChange!;
      assert.equal(Math.abs(change.fromLane - route.lane), 1);
      assert.equal(
        change.fromCoordinate,
        route.roadCentre + laneOffset(town, route.axis, route.direction, change.fromLane),
      );
      assert.ok(Math.abs(Math.abs(change.fromCoordinate - route.laneCoordinate) - town.laneWidth) < 1e-9);
      const at = (t: number) => onItsRoad(route, egoPose(route, t));
      assert.ok(
        Math.abs(at(0).across - change.fromCoordinate) < 1e-9,
        'not in the lane it changes from at the start',
      );
      let [changeStart, changeEnd] = [Number.NaN, Number.NaN];
      for (let t = dt; t + dt <= durationS; t += dt) {
        const [a, b, c] = [at(t - dt), at(t), at(t + dt)];
        if (!beforeTurn(route, c.along)) break;
        const what = `t=${t.toFixed(2)}`;
        assert.ok(
          Math.abs(a.across - 2 * b.across + c.across) / dt ** 2 <= 1.5,
          `${what}: lateral acceleration`,
        );
        assert.ok(Math.abs(wrap(c.heading - a.heading)) / (2 * dt) <= 0.25, `${what}: yaw rate off the road`);
        assert.ok(Math.abs(b.heading) <= (16 * Math.PI) / 180, `${what}: heading ${b.heading}`);
        const moving = Math.abs(b.across - a.across) > 1e-12;
        if (moving && Number.isNaN(changeStart)) changeStart = a.along;
        if (Math.abs(b.across - route.laneCoordinate) < 1e-9 && Number.isNaN(changeEnd)) changeEnd = b.along;
      }
      if (Number.isNaN(changeEnd)) continue;
      // No turn lane's solid line begins beside the change, nor within half a car length after it.
      for (const s of town.segments.filter((o) => o.axis === route.axis && o.centre === route.roadCentre)) {
        const solid = turnLaneStart(town, s, route.direction);
        if (solid === undefined) continue;
        const [from, to] = [changeStart, changeEnd + (route.direction * EGO_LENGTH_M) / 2];
        assert.ok(
          (solid - from) * route.direction < 0 || (solid - to) * route.direction > 0,
          `solid line at ${solid}`,
        );
      }
    }
  });

  it('keeps to its speed within 1e-4 while it changes lanes on a bent road', () => {
    let samples = 0;
    for (const { route, durationS } of manyRoutes().filter(
      ({ route }) => route.laneChange && route.bends.length > 0,
    )) {
      for (let t = 0; t + 0.05 <= durationS; t += 0.05) {
        const [a, b] = [egoPose(route, t), egoPose(route, t + 0.05)];
        const { across, roadTurn } = { ...onItsRoad(route, a), ...unbent(route.bends, a) };
        const changing =
          Math.abs(across - route.laneCoordinate) > 1e-9 &&
          Math.abs(across - route.laneChange!.fromCoordinate) > 1e-9;
        if (!changing || roadTurn === 0) continue;
        samples++;
        const ratio =
          Math.hypot(b.x - a.x, b.y - a.y) / (egoDistance(route, t + 0.05) - egoDistance(route, t));
        assert.ok(Math.abs(ratio - 1) <= 1e-4, `t=${t.toFixed(2)}: ${ratio}`);
      }
    }
    assert.ok(samples > 100, `${samples} samples on bends during lane changes`);
  });

  it('changes lanes in some drives: out of a turn lane, into one before the turn across, or for no junction at all', () => {
    const short = routes(200).filter(({ route }) => route.laneChange);
    assert.ok(short.length >= 10, `${short.length} of 200 drives of 9.5 s`);
    const long = routes(200, LONG_S).filter(({ route }) => route.laneChange);
    assert.ok(
      long.some(({ route }) => route.turn && route.lane === 0),
      'no change into a turn lane',
    );
    assert.ok(
      long.some(({ route }) => route.laneChange?.fromLane === 0),
      'no change out of the inner lane',
    );
    assert.ok(
      long.some(({ route }) => !route.turn && route.lane === 0),
      'no change into the inner lane',
    );
  });
});
