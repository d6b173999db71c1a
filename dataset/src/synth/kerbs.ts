import type { Point } from './map-geometry.ts';
import type { JunctionArms, Rect, Town } from './town.ts';

/**
 * Rounded kerbs at junctions. Where two roads meet, each of the intersection's four corners is a corner of the
 * kerb; instead of a square corner the kerb follows a quarter circle of `town.kerbRadius` inside the corner
 * walkway square, so the drivable area gains a fillet there and the corner walkway keeps the rest. The radius is
 * at most the walkway's width, so the fillet never reaches the sidewalks along the roads.
 */
export interface KerbCorner {
  /** The intersection's corner: where the two straight kerbs would meet, global frame, metres. */
  x: number;
  y: number;
  /** Unit steps from the corner into the block corner (away from both roads). */
  sx: 1 | -1;
  sy: 1 | -1;
}

/** Vertices of a kerb arc in the map expansion (a quarter circle in this many straight pieces). */
export const KERB_ARC_PIECES = 8;

/**
 * The kerb corners of every intersection, counter-clockwise from the south-east one per intersection: the corners
 * between two roads (a T junction's closed side has a straight kerb instead).
 */
export function kerbCorners(town: Pick<Town, 'intersections' | 'arms'>): KerbCorner[] {
  return town.intersections.flatMap((r, i) =>
    intersectionCorners(r).filter((c) => xArm(town.arms[i], c) && yArm(town.arms[i], c)),
  );
}

/** Whether the road along x (or y) leaves the intersection on the corner's side. */
const xArm = (arms: JunctionArms, c: KerbCorner) => (c.sx > 0 ? arms.east : arms.west);
const yArm = (arms: JunctionArms, c: KerbCorner) => (c.sy > 0 ? arms.north : arms.south);

function intersectionCorners(r: Rect): KerbCorner[] {
  return [
    { x: r.x1, y: r.y0, sx: 1, sy: -1 },
    { x: r.x1, y: r.y1, sx: 1, sy: 1 },
    { x: r.x0, y: r.y1, sx: -1, sy: 1 },
    { x: r.x0, y: r.y0, sx: -1, sy: -1 },
  ];
}

/**
 * The kerb arc at a corner, from its end on the kerb of the road along x to its end on the kerb of the road
 * along y, bulging towards the corner.
 */
export function kerbArc(town: Pick<Town, 'kerbRadius'>, c: KerbCorner): Point[] {
  const r = town.kerbRadius;
  const [cx, cy] = [c.x + c.sx * r, c.y + c.sy * r];
  return Array.from({ length: KERB_ARC_PIECES + 1 }, (_, i) => {
    const phi = (i / KERB_ARC_PIECES) * (Math.PI / 2);
    return [cx - c.sx * r * Math.sin(phi), cy - c.sy * r * Math.cos(phi)] as const;
  });
}

/** Whether (x, y) is road that the rounded kerb adds at the corner: in the corner square, outside the arc. */
export function inKerbFillet(town: Pick<Town, 'kerbRadius'>, c: KerbCorner, x: number, y: number): boolean {
  const r = town.kerbRadius;
  const [u, v] = [(x - c.x) * c.sx, (y - c.y) * c.sy];
  return u >= 0 && v >= 0 && u <= r && v <= r && Math.hypot(u - r, v - r) > r;
}

/**
 * Outline of an intersection's road segment: its square, the first `kerbRadius` metres of the roads leaving it,
 * and the fillets between them, counter-clockwise. It overlaps the road segments by those metres,
 * as the junction polygons of the nuScenes maps overlap their roads.
 */
export function junctionOutline(town: Pick<Town, 'kerbRadius'>, r: Rect, arms: JunctionArms): Point[] {
  return intersectionCorners(r).flatMap((c): Point[] => {
    // Beside a T junction's closed side the kerb runs straight on from the open road's.
    if (!xArm(arms, c)) return [[c.x, c.y + c.sy * town.kerbRadius]];
    if (!yArm(arms, c)) return [[c.x + c.sx * town.kerbRadius, c.y]];
    const arc = kerbArc(town, c);
    // Counter-clockwise around the square, the arcs at the south-west and north-east corners run from the road
    // along x to the one along y as built; the other two run backwards.
    return c.sx === c.sy ? arc : arc.reverse();
  });
}

/** The corner walkway: the corner square of sidewalk less the kerb fillet, from its far corner round the arc. */
export function cornerWalkway(town: Pick<Town, 'kerbRadius' | 'walkwayWidth'>, c: KerbCorner): Point[] {
  const w = town.walkwayWidth;
  const ring: Point[] = [
    [c.x + c.sx * w, c.y + c.sy * w],
    [c.x + c.sx * w, c.y],
    ...kerbArc(town, c),
    [c.x, c.y + c.sy * w],
  ];
  // With the kerb radius equal to the walkway's width, the arc starts and ends at the square's corners.
  const distinct = ring.filter((p, i) => {
    const q = ring[(i + ring.length - 1) % ring.length];
    return Math.hypot(p[0] - q[0], p[1] - q[1]) > 1e-9;
  });
  // Built clockwise in the quadrants where sx = sy; the map stores rings counter-clockwise.
  return c.sx === c.sy ? distinct.reverse() : distinct;
}

/** The fillet the kerb arc adds to the drivable area at a corner, as a polygon ring (counter-clockwise). */
export function kerbFillet(town: Pick<Town, 'kerbRadius'>, c: KerbCorner): Point[] {
  const ring: Point[] = [[c.x, c.y], ...kerbArc(town, c)];
  return c.sx === c.sy ? ring : ring.reverse();
}
