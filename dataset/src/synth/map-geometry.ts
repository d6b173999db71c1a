import type { MapLine, MapNode, MapPolygon } from '../map/expansion-types.ts';
import { bendPolyline, type RoadBend } from './road-bends.ts';
import type { TokenFactory } from './tokens.ts';
import type { Rect } from './town.ts';

export type Point = readonly [x: number, y: number];

/**
 * The geometric layers of a map expansion (nodes, lines, polygons) as they are built: each added shape gets its
 * nodes and its own token, numbered in the order shapes are added, so the same sequence of calls gives the same
 * file. Shapes are given as in the straight town and stored as the roads bend (road-bends.ts). Coordinates are
 * stored to the millimetre.
 */
export class MapGeometry {
  readonly node: MapNode[] = [];
  readonly line: MapLine[] = [];
  readonly polygon: MapPolygon[] = [];

  constructor(
    private readonly token: TokenFactory,
    private readonly location: string,
    private readonly bends: readonly RoadBend[] = [],
  ) {}

  addNode(x: number, y: number): string {
    const t = this.token('map', this.location, 'node', this.node.length);
    this.node.push({ token: t, x: roundMm(x), y: roundMm(y) });
    return t;
  }

  /** A polygon without holes through `ring` (not closed: the last point is not the first again). */
  addPolygon(ring: readonly Point[]): string {
    const t = this.token('map', this.location, 'polygon', this.polygon.length);
    const exterior = bendPolyline(this.bends, ring, true).map(([x, y]) => this.addNode(x, y));
    this.polygon.push({ token: t, exterior_node_tokens: exterior, holes: [] });
    return t;
  }

  /** A rectangle's polygon, counter-clockwise from its south-west corner. */
  addRect(r: Rect): string {
    return this.addPolygon(rectRing(r));
  }

  addLine(points: readonly Point[]): { token: string; nodes: string[] } {
    const t = this.token('map', this.location, 'line', this.line.length);
    const nodes = bendPolyline(this.bends, points, false).map(([x, y]) => this.addNode(x, y));
    this.line.push({ token: t, node_tokens: nodes });
    return { token: t, nodes };
  }
}

/** A rectangle as a ring, counter-clockwise from its south-west corner. */
export function rectRing(r: Rect): Point[] {
  return [
    [r.x0, r.y0],
    [r.x1, r.y0],
    [r.x1, r.y1],
    [r.x0, r.y1],
  ];
}

/** Map coordinates and poses are stored to the millimetre (and the milliradian). */
export function roundMm(v: number): number {
  return Math.round(v * 1000) / 1000;
}
