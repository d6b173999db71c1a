import { bentPathPose } from './bent-path.ts';
import { type PlanarPose, type QuarterTurn, quarterTurnPose } from './quarter-turn.ts';
import type { Random } from './random.ts';
import type { RoadBend } from './road-bends.ts';

/** Agent kinds the generator populates, each mapped to a nuScenes category. */
export const AGENT_KINDS = {
  car: 'vehicle.car',
  truck: 'vehicle.truck',
  bus: 'vehicle.bus.rigid',
  pedestrian: 'human.pedestrian.adult',
  cyclist: 'vehicle.bicycle',
  bicycle: 'vehicle.bicycle',
  cone: 'movable_object.trafficcone',
  barrier: 'movable_object.barrier',
} as const;
export type AgentKind = keyof typeof AGENT_KINDS;

/** What the agent is doing, which decides its nuScenes attribute. */
export type AgentState = 'moving' | 'stopped' | 'parked' | 'standing' | 'static';

export type Rgb = readonly [number, number, number];

/**
 * A box-shaped part of an agent in the agent's frame (x forward, y left, z up from the ground under its centre),
 * metres: centre (cx, cy, cz) and half sizes.
 */
export interface Part {
  cx: number;
  cy: number;
  cz: number;
  hx: number;
  hy: number;
  hz: number;
  colour: Rgb;
}

/**
 * One annotated object. It moves at constant speed along its heading, t seconds from the scene start:
 * position(t) = start + speed * t * (cos yaw, sin yaw) in the global frame, or, for a vehicle turning at a
 * junction, along its lane up to the turn, round the turn's quarter circle and on along the crossing road; that is
 * in the straight town, and on a bent road (`bends`) the agent follows the bend, keeping its speed along it.
 */
export interface Agent {
  id: number;
  kind: AgentKind;
  state: AgentState;
  /** Width (across), length (along heading), height, metres: the annotation box size. */
  size: readonly [number, number, number];
  /** Global frame, metres, at t = 0. */
  startX: number;
  startY: number;
  /** Heading, radians, global frame (0 = +x). */
  yaw: number;
  /** Metres per second along the heading. */
  speed: number;
  /** The quarter circle it turns along at a junction (a lane connector's path), with `atM` from its start. */
  turn?: QuarterTurn;
  /** The town's road bends that its path runs along or its spot lies on (road-bends.ts); none on straight roads. */
  bends?: readonly RoadBend[];
  parts: readonly Part[];
}

/** Where the agent is and which way it faces t seconds after the scene start, global frame. */
export function agentPose(agent: Agent, t: number): PlanarPose {
  const { bends, startX, startY, yaw, turn } = agent;
  if (bends) return bentPathPose(agent, bends, { x0: startX, y0: startY, yaw0: yaw, turn }, agent.speed * t);
  if (turn) return quarterTurnPose(startX, startY, yaw, turn, agent.speed * t);
  return { x: startX + agent.speed * t * Math.cos(yaw), y: startY + agent.speed * t * Math.sin(yaw), yaw };
}

const CAR_PAINT: readonly Rgb[] = [
  [0.8, 0.1, 0.1],
  [0.1, 0.2, 0.6],
  [0.85, 0.85, 0.85],
  [0.1, 0.1, 0.1],
  [0.5, 0.5, 0.52],
  [0.2, 0.45, 0.3],
  [0.9, 0.7, 0.1],
  [0.35, 0.2, 0.15],
];
const CLOTHES: readonly Rgb[] = [
  [0.15, 0.2, 0.45],
  [0.6, 0.1, 0.1],
  [0.2, 0.2, 0.2],
  [0.8, 0.8, 0.75],
  [0.3, 0.5, 0.3],
  [0.7, 0.5, 0.2],
];
const GLASS: Rgb = [0.12, 0.16, 0.2];
const SKIN: Rgb = [0.75, 0.58, 0.45];
const TYRE: Rgb = [0.05, 0.05, 0.05];

function box(cx: number, cy: number, cz: number, sx: number, sy: number, sz: number, colour: Rgb): Part {
  return { cx, cy, cz, hx: sx / 2, hy: sy / 2, hz: sz / 2, colour };
}

/** Draws the size and the shape (parts) of an agent of `kind`; every part lies inside the size box. */
export function shapeAgent(
  kind: AgentKind,
  random: Random,
): { size: [number, number, number]; parts: Part[] } {
  switch (kind) {
    case 'car': {
      const w = random.uniform(1.75, 2.0);
      const l = random.uniform(4.1, 4.9);
      const h = random.uniform(1.45, 1.75);
      const paint = random.pick(CAR_PAINT);
      const body = h * 0.55;
      return {
        size: [w, l, h],
        parts: [
          box(0, 0, 0.2 + (body - 0.2) / 2, l, w, body - 0.2, paint),
          box(-0.1 * l, 0, body + (h - body) / 2, l * 0.52, w * 0.86, h - body, GLASS),
          box(l * 0.3, 0, 0.2, 0.7, w, 0.4, TYRE),
          box(-l * 0.3, 0, 0.2, 0.7, w, 0.4, TYRE),
        ],
      };
    }
    case 'truck': {
      const w = random.uniform(2.3, 2.6);
      const l = random.uniform(6.5, 9.5);
      const h = random.uniform(2.9, 3.6);
      const cab = 2.2;
      const paint = random.pick(CAR_PAINT);
      const cargo: Rgb = random.pick([
        [0.9, 0.9, 0.88],
        [0.6, 0.6, 0.62],
        [0.2, 0.3, 0.55],
      ] as const);
      return {
        size: [w, l, h],
        parts: [
          box(l / 2 - cab / 2, 0, 0.45 + (h * 0.8 - 0.45) / 2, cab, w * 0.96, h * 0.8 - 0.45, paint),
          box(l / 2 - 0.15, 0, h * 0.62, 0.3, w * 0.9, h * 0.25, GLASS),
          box(-cab / 2 - 0.1, 0, 0.5 + (h - 0.5) / 2, l - cab - 0.2, w, h - 0.5, cargo),
          box(0, 0, 0.25, l * 0.9, w * 0.9, 0.5, TYRE),
        ],
      };
    }
    case 'bus': {
      const w = random.uniform(2.5, 2.9);
      const l = random.uniform(10.5, 12.5);
      const h = random.uniform(3.0, 3.6);
      const paint = random.pick([
        [0.85, 0.2, 0.15],
        [0.95, 0.95, 0.92],
        [0.2, 0.55, 0.35],
      ] as const);
      return {
        size: [w, l, h],
        parts: [
          box(0, 0, 0.35 + (h - 0.35) / 2, l, w * 0.98, h - 0.35, paint),
          box(0, 0, h * 0.66, l * 0.96, w, h * 0.28, GLASS),
          box(0, 0, 0.25, l * 0.85, w * 0.9, 0.5, TYRE),
        ],
      };
    }
    case 'pedestrian': {
      const h = random.uniform(1.55, 1.9);
      const w = random.uniform(0.55, 0.75);
      const l = random.uniform(0.55, 0.8);
      const shirt = random.pick(CLOTHES);
      const trousers = random.pick(CLOTHES);
      return {
        size: [w, l, h],
        parts: [
          box(0, 0, h * 0.25, l * 0.5, w * 0.55, h * 0.5, trousers),
          box(0, 0, h * 0.5 + h * 0.16, l * 0.55, w * 0.9, h * 0.32, shirt),
          box(0, 0, h * 0.91, l * 0.35, w * 0.35, h * 0.18, SKIN),
        ],
      };
    }
    case 'cyclist': {
      const h = random.uniform(1.6, 1.85);
      const l = random.uniform(1.6, 1.8);
      const w = 0.65;
      const shirt = random.pick(CLOTHES);
      return {
        size: [w, l, h],
        parts: [
          box(0, 0, 0.45, l, 0.12, 0.9, TYRE),
          box(-0.15, 0, 0.95 + 0.3, 0.45, w * 0.85, 0.6, shirt),
          box(0, 0, 1.0, 0.35, 0.3, 0.2, random.pick(CLOTHES)),
          box(-0.05, 0, h - 0.13, 0.25, 0.25, 0.25, SKIN),
        ],
      };
    }
    case 'bicycle': {
      const l = random.uniform(1.6, 1.8);
      return {
        size: [0.55, l, 1.1],
        parts: [
          box(0, 0, 0.45, l, 0.12, 0.9, random.pick(CAR_PAINT)),
          box(0.55, 0, 1.0, 0.12, 0.55, 0.2, TYRE),
        ],
      };
    }
    case 'cone': {
      const h = random.uniform(0.7, 0.8);
      const orange: Rgb = [0.95, 0.4, 0.05];
      return {
        size: [0.42, 0.42, h],
        parts: [
          box(0, 0, 0.03, 0.42, 0.42, 0.06, orange),
          box(0, 0, 0.06 + (h - 0.06) * 0.3, 0.26, 0.26, (h - 0.06) * 0.6, orange),
          box(0, 0, 0.06 + (h - 0.06) * 0.8, 0.12, 0.12, (h - 0.06) * 0.4, [0.95, 0.95, 0.95]),
        ],
      };
    }
    case 'barrier': {
      const w = random.uniform(1.8, 2.4);
      return {
        size: [w, 0.5, 1.0],
        parts: [
          box(0, 0, 0.35, 0.5, w, 0.7, [0.95, 0.95, 0.95]),
          box(0, 0, 0.85, 0.45, w, 0.3, [0.85, 0.1, 0.1]),
        ],
      };
    }
  }
}
