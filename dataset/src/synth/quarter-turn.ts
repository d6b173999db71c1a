/**
 * A drive along an axis-aligned lane that may take a quarter circle into the crossing road: the path the ego's
 * junction turns, the vehicles turning at junctions and the map's turning lane connectors all follow.
 */
export interface QuarterTurn {
  /** Distance driven from the path's start to where the arc starts, metres. */
  atM: number;
  radiusM: number;
  /** +1: left (counter-clockwise), -1: right. */
  sign: 1 | -1;
}

/** A pose in the global frame: metres and radians. */
export interface PlanarPose {
  x: number;
  y: number;
  yaw: number;
}

/**
 * Where a path starting at (x0, y0) with heading `yaw0` (a multiple of 90 degrees) is after `s` metres: straight
 * on, or straight up to the turn, round its quarter circle and straight on along the new heading. Negative `s`
 * runs back along the first heading.
 */
export function quarterTurnPose(
  x0: number,
  y0: number,
  yaw0: number,
  turn: QuarterTurn | undefined,
  s: number,
): PlanarPose {
  const [hx, hy] = [Math.round(Math.cos(yaw0)), Math.round(Math.sin(yaw0))];
  if (!turn || s <= turn.atM) return { x: x0 + s * hx, y: y0 + s * hy, yaw: yaw0 };
  // Left normal of the entry heading; the arc's centre is R to the turning side of where it starts.
  const [nx, ny] = [-hy, hx];
  const { atM, radiusM: r, sign } = turn;
  const [ax, ay] = [x0 + atM * hx, y0 + atM * hy];
  const arcLength = (Math.PI / 2) * r;
  if (s < atM + arcLength) {
    const phi = (s - atM) / r;
    const [cx, cy] = [ax + sign * r * nx, ay + sign * r * ny];
    return {
      x: cx + r * (-sign * nx * Math.cos(phi) + hx * Math.sin(phi)),
      y: cy + r * (-sign * ny * Math.cos(phi) + hy * Math.sin(phi)),
      yaw: yaw0 + sign * phi,
    };
  }
  const rest = s - atM - arcLength;
  const [bx, by] = [ax + r * hx + sign * r * nx, ay + r * hy + sign * r * ny];
  return { x: bx + rest * sign * nx, y: by + rest * sign * ny, yaw: yaw0 + (sign * Math.PI) / 2 };
}
