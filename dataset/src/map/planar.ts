/**
 * The planar-geometry operations the map layer needs, on jsts (a JTS port; GEOS, which shapely wraps, is
 * another), with shapely's conventions where they decide coordinates: `box` vertex order and the
 * `affinity.rotate` / `affine_transform` arithmetic, so transformed points agree to the last bit.
 */

import Orientation from 'jsts/org/locationtech/jts/algorithm/Orientation.js';
import Coordinate from 'jsts/org/locationtech/jts/geom/Coordinate.js';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import AffineTransformation from 'jsts/org/locationtech/jts/geom/util/AffineTransformation.js';
import LineMerger from 'jsts/org/locationtech/jts/operation/linemerge/LineMerger.js';
import OverlayOp from 'jsts/org/locationtech/jts/operation/overlay/OverlayOp.js';
import SnapIfNeededOverlayOp from 'jsts/org/locationtech/jts/operation/overlay/snap/SnapIfNeededOverlayOp.js';
import UnaryUnionOp from 'jsts/org/locationtech/jts/operation/union/UnaryUnionOp.js';
import IsValidOp from 'jsts/org/locationtech/jts/operation/valid/IsValidOp.js';

/** The part of the jsts geometry API used here (its bundled typings declare too little of it). */
export interface Geometry {
  isEmpty(): boolean;
  getGeometryType(): string;
  getDimension(): number;
  getNumGeometries(): number;
  getGeometryN(i: number): Geometry;
  getCoordinates(): { x: number; y: number }[];
}
export interface Polygon extends Geometry {
  getExteriorRing(): Geometry;
  getNumInteriorRing(): number;
  getInteriorRingN(i: number): Geometry;
}
export type LineString = Geometry;

declare const frameBrand: unique symbol;
/** A jsts geometry whose coordinates (metres) are in frame `F`. */
export type InFrame<G, F extends string> = G & { readonly [frameBrand]: F };

export type XY = readonly [x: number, y: number];

const factory = new GeometryFactory();

function coords(points: readonly XY[]): Coordinate[] {
  return points.map(([x, y]) => new Coordinate(x, y));
}

/** Closes an open ring the way shapely does (appends the first vertex). */
function closedRing(points: readonly XY[]): Coordinate[] {
  const c = coords(points);
  const first = c[0];
  const last = c[c.length - 1];
  if (first.x !== last.x || first.y !== last.y) c.push(new Coordinate(first.x, first.y));
  return c;
}

export function polygon<F extends string>(exterior: readonly XY[], holes: readonly (readonly XY[])[] = []) {
  return factory.createPolygon(
    factory.createLinearRing(closedRing(exterior)),
    holes.map((h) => factory.createLinearRing(closedRing(h))),
  ) as InFrame<Polygon, F>;
}

export function lineString<F extends string>(points: readonly XY[]) {
  return factory.createLineString(coords(points)) as InFrame<LineString, F>;
}

export function emptyGeometry<F extends string>() {
  return factory.createGeometryCollection([]) as unknown as InFrame<Geometry, F>;
}

/** shapely `box(minx, miny, maxx, maxy)`: counter-clockwise from (maxx, miny). */
export function box<F extends string>(minX: number, minY: number, maxX: number, maxY: number) {
  return polygon<F>([
    [maxX, minY],
    [maxX, maxY],
    [minX, maxY],
    [minX, minY],
  ]);
}

/** x' = a·x + b·y + xOff, y' = d·x + e·y + yOff, evaluated in shapely's order. */
export function affine<From extends string, To extends string>(
  g: InFrame<Geometry, From>,
  a: number,
  b: number,
  xOff: number,
  d: number,
  e: number,
  yOff: number,
): InFrame<Geometry, To> {
  if (g.isEmpty()) return g as unknown as InFrame<Geometry, To>;
  return new AffineTransformation(a, b, xOff, d, e, yOff).transform(g) as InFrame<Geometry, To>;
}

/** shapely `affinity.rotate(g, angle, origin=(x0, y0), use_radians=False)`, counter-clockwise. */
export function rotateDegrees<From extends string, To extends string>(
  g: InFrame<Geometry, From>,
  angleDeg: number,
  x0: number,
  y0: number,
): InFrame<Geometry, To> {
  const rad = (angleDeg * Math.PI) / 180.0;
  let c = Math.cos(rad);
  let s = Math.sin(rad);
  // shapely snaps near-zero terms so that right-angle rotations are exact.
  if (Math.abs(c) < 2.5e-16) c = 0.0;
  if (Math.abs(s) < 2.5e-16) s = 0.0;
  return affine<From, To>(g, c, -s, x0 - x0 * c + y0 * s, s, c, y0 - x0 * s - y0 * c);
}

export function translate<From extends string, To extends string>(
  g: InFrame<Geometry, From>,
  dx: number,
  dy: number,
) {
  return affine<From, To>(g, 1.0, 0.0, dx, 0.0, 1.0, dy);
}

export function intersection<F extends string>(
  a: InFrame<Geometry, F>,
  b: InFrame<Geometry, F>,
): InFrame<Geometry, F> {
  if (a.isEmpty() || b.isEmpty()) return emptyGeometry<F>();
  return SnapIfNeededOverlayOp.overlayOp(a, b, OverlayOp.INTERSECTION) as InFrame<Geometry, F>;
}

/** shapely `ops.unary_union` of a list. */
export function unaryUnion<F extends string>(geoms: readonly InFrame<Geometry, F>[]): InFrame<Geometry, F> {
  if (geoms.length === 0) return emptyGeometry<F>();
  const u = UnaryUnionOp.union(factory.createGeometryCollection([...geoms]));
  return (u ?? emptyGeometry<F>()) as InFrame<Geometry, F>;
}

export function isValid(g: Geometry): boolean {
  return IsValidOp.isValid(g);
}

/** Orientation of a closed ring's vertices (shapely `LinearRing.is_ccw`). */
export function isCounterClockwise(ring: Geometry): boolean {
  return Orientation.isCCW(ring.getCoordinates());
}

/** shapely `ops.linemerge`: joins lines that meet end to end at nodes of degree 2. */
export function lineMerge<F extends string>(g: InFrame<Geometry, F>): InFrame<Geometry, F> {
  const merger = new LineMerger();
  merger.add(g);
  const merged = [...(merger.getMergedLineStrings() as unknown as Iterable<LineString>)];
  return factory.createMultiLineString(merged) as unknown as InFrame<Geometry, F>;
}

export function reversedRing<F extends string>(ring: InFrame<Geometry, F>) {
  return factory.createLinearRing(ring.getCoordinates().slice().reverse()) as InFrame<Geometry, F>;
}

/** The parts of a geometry: the members of a collection, or the geometry itself. */
export function parts<F extends string>(g: InFrame<Geometry, F>): InFrame<Geometry, F>[] {
  const out: InFrame<Geometry, F>[] = [];
  for (let i = 0; i < g.getNumGeometries(); i++) out.push(g.getGeometryN(i) as InFrame<Geometry, F>);
  return out;
}

export function xyOf(g: Geometry): [number, number][] {
  return g.getCoordinates().map((c) => [c.x, c.y]);
}
