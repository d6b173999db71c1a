import type { Random } from './random.ts';
import { laneOffset, type Town } from './town.ts';

/**
 * The ego vehicle's drive: straight down one lane of one road, with a speed that swings smoothly around a base
 * speed (speed(t) = base + swing * sin(omega t + phase)) so that ego motion is not a constant to be memorised.
 */
export interface EgoRoute {
  axis: 'x' | 'y';
  direction: 1 | -1;
  /** Global cross-axis coordinate of the lane centre, metres. */
  laneCoordinate: number;
  /** Lane index, 0 = next to the road centreline. */
  lane: number;
  roadCentre: number;
  /** Along-axis global coordinate at t = 0, metres. */
  start: number;
  baseSpeed: number;
  swing: number;
  omega: number;
  phase: number;
}

/** Ego pose in the global frame at t seconds after the scene start: metres and radians. */
export interface PlanarPose {
  x: number;
  y: number;
  yaw: number;
}

const EDGE_MARGIN = 30;

export function planEgoRoute(town: Town, durationS: number, random: Random): EgoRoute {
  const axis = random.chance(0.5) ? 'x' : 'y';
  const direction = random.chance(0.5) ? 1 : -1;
  const lane = random.int(0, town.lanesPerDirection - 1);
  const roadCentre = random.pick(town.roadCentres);
  const omega = (2 * Math.PI) / random.uniform(6, 12);
  const swing = random.uniform(0.5, 1.5);
  const phase = random.uniform(0, 2 * Math.PI);
  const room = town.size - 2 * EDGE_MARGIN - (4 * swing) / omega;
  const baseSpeed = Math.min(random.uniform(4, 10), room / Math.max(durationS, 1e-6));
  const travel = baseSpeed * durationS + (2 * swing) / omega;
  const lo = EDGE_MARGIN + (direction > 0 ? 0 : travel);
  const hi = town.size - EDGE_MARGIN - (direction > 0 ? travel : 0);
  return {
    axis,
    direction,
    lane,
    roadCentre,
    laneCoordinate: roadCentre + laneOffset(town, axis, direction, lane),
    start: random.uniform(lo, Math.max(lo, hi)),
    baseSpeed,
    swing,
    omega,
    phase,
  };
}

/** Distance driven from t = 0 to t (negative before the start), metres. */
export function egoDistance(route: EgoRoute, t: number): number {
  const { baseSpeed, swing, omega, phase } = route;
  return baseSpeed * t - (swing / omega) * (Math.cos(omega * t + phase) - Math.cos(phase));
}

export function egoPose(route: EgoRoute, t: number): PlanarPose {
  const along = route.start + route.direction * egoDistance(route, t);
  const yaw =
    route.axis === 'x'
      ? route.direction > 0
        ? 0
        : Math.PI
      : route.direction > 0
        ? Math.PI / 2
        : -Math.PI / 2;
  return route.axis === 'x'
    ? { x: along, y: route.laneCoordinate, yaw }
    : { x: route.laneCoordinate, y: along, yaw };
}
