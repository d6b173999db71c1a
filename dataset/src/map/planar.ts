/**
 * The planar-geometry operations the map layer needs. Overlays, unions, line merges and the validity and
 * orientation tests run in GEOS (./geos.ts), as shapely runs them, so results carry the same vertices, ring
 * starts and part order as the Python references. Coordinate transforms run here with shapely's `box` vertex
 * order and `affinity` arithmetic, on correctly rounded cosines and sines (./rounded-trig.ts), so transformed
 * points agree to the last bit but for rare angles where glibc's rounding is off.
 *
 * Geometries are immutable JS values; an operation copies its inputs into GEOS, copies the result back and
 * frees every GEOS object before it returns, so nothing in the WebAssembly heap outlives a call.
 */

import { checked, geos, type Ptr } from './geos.ts';
import { cosSinRounded } from './rounded-trig.ts';

/** In GEOS's type-id order. */
const GEOMETRY_TYPES = [
  'Point',
  'LineString',
  'LinearRing',
  'Polygon',
  'MultiPoint',
  'MultiLineString',
  'MultiPolygon',
  'GeometryCollection',
] as const;
export type GeometryType = (typeof GEOMETRY_TYPES)[number];

/** minX, minY, maxX, maxY. */
export type Envelope = readonly [number, number, number, number];

const NO_XY = new Float64Array(0);

export class Geometry {
  private constructor(
    private readonly type: GeometryType,
    /** x0, y0, x1, y1, ... of a Point, LineString or LinearRing. */
    private readonly xy: Float64Array,
    /** A polygon's rings, exterior first, or a collection's members. */
    private readonly members: readonly Geometry[],
  ) {}

  private bounds: Envelope | null | undefined;

  static vertices(type: 'Point' | 'LineString' | 'LinearRing', xy: Float64Array): Geometry {
    const n = xy.length / 2;
    if (type === 'LineString' && n === 1)
      throw new Error('a line string needs 0 or at least 2 vertices, got 1');
    if (type === 'LinearRing' && n > 0) {
      if (n < 4) throw new Error(`a ring needs 0 or at least 4 vertices, got ${n}`);
      if (xy[0] !== xy[xy.length - 2] || xy[1] !== xy[xy.length - 1])
        throw new Error('a ring must be closed');
    }
    return new Geometry(type, xy, []);
  }

  static composite(type: Exclude<GeometryType, 'Point' | 'LineString' | 'LinearRing'>, members: Geometry[]) {
    return new Geometry(type, NO_XY, members);
  }

  getGeometryType(): GeometryType {
    return this.type;
  }

  isEmpty(): boolean {
    return this.xy.length === 0 && this.members.every((m) => m.isEmpty());
  }

  /** 0 for points, 1 for lines, 2 for polygons; a collection takes its highest member's, -1 when it has none. */
  getDimension(): number {
    switch (this.type) {
      case 'Point':
      case 'MultiPoint':
        return 0;
      case 'LineString':
      case 'LinearRing':
      case 'MultiLineString':
        return 1;
      case 'Polygon':
      case 'MultiPolygon':
        return 2;
      case 'GeometryCollection':
        return Math.max(-1, ...this.members.map((m) => m.getDimension()));
    }
  }

  private isCollection(): boolean {
    return this.type.startsWith('Multi') || this.type === 'GeometryCollection';
  }

  getNumGeometries(): number {
    return this.isCollection() ? this.members.length : 1;
  }

  getGeometryN(i: number): Geometry {
    return this.isCollection() ? this.members[i] : this;
  }

  getExteriorRing(): Geometry {
    return this.ring(0);
  }

  getNumInteriorRing(): number {
    this.ring(0);
    return Math.max(0, this.members.length - 1);
  }

  getInteriorRingN(i: number): Geometry {
    return this.ring(i + 1);
  }

  private ring(i: number): Geometry {
    if (this.type !== 'Polygon') throw new Error(`a ${this.type} has no rings`);
    return this.members[i] ?? Geometry.vertices('LinearRing', NO_XY);
  }

  /** Every vertex, rings and members in order. */
  getCoordinates(): { x: number; y: number }[] {
    const out: { x: number; y: number }[] = [];
    for (let i = 0; i < this.xy.length; i += 2) out.push({ x: this.xy[i], y: this.xy[i + 1] });
    for (const m of this.members) out.push(...m.getCoordinates());
    return out;
  }

  /** The bounding box of every vertex; null when there is none. */
  envelope(): Envelope | null {
    if (this.bounds !== undefined) return this.bounds;
    let box: [number, number, number, number] | null = null;
    for (let i = 0; i < this.xy.length; i += 2) {
      const x = this.xy[i];
      const y = this.xy[i + 1];
      if (box === null) box = [x, y, x, y];
      else box = [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)];
    }
    for (const m of this.members) {
      const e = m.envelope();
      if (e === null) continue;
      if (box === null) box = [...e];
      else
        box = [
          Math.min(box[0], e[0]),
          Math.min(box[1], e[1]),
          Math.max(box[2], e[2]),
          Math.max(box[3], e[3]),
        ];
    }
    this.bounds = box;
    return box;
  }

  /** The same structure with every vertex mapped by `f` (from one x, y-interleaved array to a new one). */
  mapVertices(f: (xy: Float64Array) => Float64Array): Geometry {
    return new Geometry(
      this.type,
      this.xy.length > 0 ? f(this.xy) : NO_XY,
      this.members.map((m) => m.mapVertices(f)),
    );
  }

  /** A copy of this geometry in GEOS; the caller destroys it. */
  toGeos(): Ptr {
    switch (this.type) {
      case 'Point':
        return this.xy.length === 0
          ? geos.GEOSGeom_createEmptyPoint()
          : geos.GEOSGeom_createPointFromXY(this.xy[0], this.xy[1]);
      case 'LineString':
        return checked(geos.GEOSGeom_createLineString(coordSeq(this.xy)), 0, 'line string');
      case 'LinearRing':
        return checked(geos.GEOSGeom_createLinearRing(coordSeq(this.xy)), 0, 'linear ring');
      case 'Polygon': {
        if (this.members.length === 0) return geos.GEOSGeom_createEmptyPolygon();
        const shell = this.members[0].toGeos();
        return withPointers(this.members.slice(1), (holes, n) =>
          checked(geos.GEOSGeom_createPolygon(shell, holes, n), 0, 'polygon'),
        );
      }
      default: {
        const typeId = GEOMETRY_TYPES.indexOf(this.type);
        return withPointers(this.members, (geoms, n) =>
          checked(geos.GEOSGeom_createCollection(typeId, geoms, n), 0, this.type),
        );
      }
    }
  }

  /** A JS copy of the GEOS geometry `g`, which stays the caller's. */
  static fromGeos(g: Ptr): Geometry {
    const type = GEOMETRY_TYPES[checked(geos.GEOSGeomTypeId(g), -1, 'geometry type')];
    switch (type) {
      case 'Point':
      case 'LineString':
      case 'LinearRing':
        return new Geometry(type, verticesOf(checked(geos.GEOSGeom_getCoordSeq(g), 0, 'coordinates')), []);
      case 'Polygon': {
        const rings = [Geometry.fromGeos(checked(geos.GEOSGetExteriorRing(g), 0, 'exterior ring'))];
        const holes = checked(geos.GEOSGetNumInteriorRings(g), -1, 'interior rings');
        for (let i = 0; i < holes; i++) {
          rings.push(Geometry.fromGeos(checked(geos.GEOSGetInteriorRingN(g, i), 0, 'interior ring')));
        }
        return new Geometry(type, NO_XY, rings[0].isEmpty() ? [] : rings);
      }
      default: {
        const members: Geometry[] = [];
        const n = checked(geos.GEOSGetNumGeometries(g), -1, 'member count');
        for (let i = 0; i < n; i++)
          members.push(Geometry.fromGeos(checked(geos.GEOSGetGeometryN(g, i), 0, 'member')));
        return new Geometry(type, NO_XY, members);
      }
    }
  }
}
export type Polygon = Geometry;
export type LineString = Geometry;

/** A GEOS coordinate sequence holding `xy`; ownership passes to the geometry made from it. */
function coordSeq(xy: Float64Array): Ptr {
  const buf = geos.Module._malloc(Math.max(8, xy.byteLength));
  try {
    geos.Module.HEAPF64.set(xy, buf / 8);
    return checked(geos.GEOSCoordSeq_copyFromBuffer(buf, xy.length / 2, 0, 0), 0, 'coordinate sequence');
  } finally {
    geos.Module._free(buf);
  }
}

/** Scratch space for GEOS's out-parameters (a size, a flag). */
const OUT = geos.Module._malloc(8);

function verticesOf(seq: Ptr): Float64Array {
  checked(geos.GEOSCoordSeq_getSize(seq, OUT), 0, 'coordinate count');
  const n = geos.Module.HEAPU32[OUT / 4];
  if (n === 0) return NO_XY;
  const buf = geos.Module._malloc(16 * n);
  try {
    checked(geos.GEOSCoordSeq_copyToBuffer(seq, buf, 0, 0), 0, 'coordinates');
    return geos.Module.HEAPF64.slice(buf / 8, buf / 8 + 2 * n);
  } finally {
    geos.Module._free(buf);
  }
}

/** Runs `f` on a heap array of GEOS copies of `geoms`, whose ownership `f` hands to GEOS. */
function withPointers(geoms: readonly Geometry[], f: (array: Ptr, n: number) => Ptr): Ptr {
  const array = geos.Module._malloc(Math.max(4, 4 * geoms.length));
  try {
    geoms.forEach((g, i) => {
      const p = g.toGeos();
      geos.Module.HEAPU32[array / 4 + i] = p;
    });
    return f(array, geoms.length);
  } finally {
    geos.Module._free(array);
  }
}

/** Runs `op` on GEOS copies of `inputs` and returns a JS copy of its result; every GEOS object is freed. */
function inGeos<T>(inputs: readonly Geometry[], op: (...g: Ptr[]) => T): T {
  const copies: Ptr[] = [];
  try {
    for (const g of inputs) copies.push(g.toGeos());
    return op(...copies);
  } finally {
    for (const p of copies) geos.GEOSGeom_destroy(p);
  }
}

function overlay(inputs: readonly Geometry[], op: (...g: Ptr[]) => Ptr, what: string): Geometry {
  return inGeos(inputs, (...g) => {
    const result = checked(op(...g), 0, what);
    try {
      return Geometry.fromGeos(result);
    } finally {
      geos.GEOSGeom_destroy(result);
    }
  });
}

declare const frameBrand: unique symbol;
/** A geometry whose coordinates (metres) are in frame `F`. */
export type InFrame<G, F extends string> = G & { readonly [frameBrand]: F };

export type XY = readonly [x: number, y: number];

function flat(points: readonly XY[]): Float64Array {
  const xy = new Float64Array(2 * points.length);
  points.forEach(([x, y], i) => {
    xy[2 * i] = x;
    xy[2 * i + 1] = y;
  });
  return xy;
}

/** Closes an open ring the way shapely does (appends the first vertex). */
function closedRing(points: readonly XY[]): Geometry {
  const first = points[0];
  const last = points[points.length - 1];
  const open = points.length > 0 && (first[0] !== last[0] || first[1] !== last[1]);
  return Geometry.vertices('LinearRing', flat(open ? [...points, first] : points));
}

export function polygon<F extends string>(exterior: readonly XY[], holes: readonly (readonly XY[])[] = []) {
  const shell = closedRing(exterior);
  const rings = shell.isEmpty() ? [] : [shell, ...holes.map(closedRing)];
  return Geometry.composite('Polygon', rings) as InFrame<Polygon, F>;
}

export function lineString<F extends string>(points: readonly XY[]) {
  return Geometry.vertices('LineString', flat(points)) as InFrame<LineString, F>;
}

function emptyGeometry<F extends string>() {
  return Geometry.composite('GeometryCollection', []) as InFrame<Geometry, F>;
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
  return g.mapVertices((xy) => {
    const out = new Float64Array(xy.length);
    for (let i = 0; i < xy.length; i += 2) {
      const x = xy[i];
      const y = xy[i + 1];
      out[i] = a * x + b * y + xOff;
      out[i + 1] = d * x + e * y + yOff;
    }
    return out;
  }) as InFrame<Geometry, To>;
}

/** The last angle turned by, and its cosine and sine: a patch turns every geometry cut by it by the same angle. */
let lastTurn: { degrees: number; cosSin: [number, number] } | undefined;

function cosSinOfDegrees(degrees: number): [number, number] {
  if (lastTurn?.degrees !== degrees)
    lastTurn = { degrees, cosSin: cosSinRounded((degrees * Math.PI) / 180.0) };
  return lastTurn.cosSin;
}

/** shapely `affinity.rotate(g, angle, origin=(x0, y0), use_radians=False)`, counter-clockwise. */
export function rotateDegrees<From extends string, To extends string>(
  g: InFrame<Geometry, From>,
  angleDeg: number,
  x0: number,
  y0: number,
): InFrame<Geometry, To> {
  let [c, s] = cosSinOfDegrees(angleDeg);
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

function envelopesApart(a: Geometry, b: Geometry): boolean {
  const p = a.envelope();
  const q = b.envelope();
  return p === null || q === null || p[2] < q[0] || q[2] < p[0] || p[3] < q[1] || q[3] < p[1];
}

/** shapely `a.intersection(b)`. */
export function intersection<F extends string>(
  a: InFrame<Geometry, F>,
  b: InFrame<Geometry, F>,
): InFrame<Geometry, F> {
  // GEOS answers an empty geometry for these too; not copying them there saves most of the work of cutting a
  // whole map layer by a small patch.
  if (envelopesApart(a, b)) return emptyGeometry<F>();
  return overlay([a, b], (x, y) => geos.GEOSIntersection(x, y), 'intersection') as InFrame<Geometry, F>;
}

/** shapely `ops.unary_union` of a list: the union of one collection of them all. */
export function unaryUnion<F extends string>(geoms: readonly InFrame<Geometry, F>[]): InFrame<Geometry, F> {
  const all = Geometry.composite('GeometryCollection', [...geoms]);
  return overlay([all], (g) => geos.GEOSUnaryUnion(g), 'unary union') as InFrame<Geometry, F>;
}

export function isValid(g: Geometry): boolean {
  return inGeos([g], (p) => checked(geos.GEOSisValid(p), 2, 'validity test') === 1);
}

/** Orientation of a closed ring's vertices (shapely `LinearRing.is_ccw`). */
export function isCounterClockwise(ring: Geometry): boolean {
  return inGeos([ring], (p) => {
    checked(
      geos.GEOSCoordSeq_isCCW(checked(geos.GEOSGeom_getCoordSeq(p), 0, 'coordinates'), OUT),
      0,
      'is_ccw',
    );
    return geos.Module.HEAP8[OUT] !== 0;
  });
}

/** shapely `ops.linemerge`: joins lines that meet end to end at nodes of degree 2. */
export function lineMerge<F extends string>(g: InFrame<Geometry, F>): InFrame<Geometry, F> {
  return overlay([g], (p) => geos.GEOSLineMerge(p), 'line merge') as InFrame<Geometry, F>;
}

export function reversedRing<F extends string>(ring: InFrame<Geometry, F>) {
  return Geometry.vertices('LinearRing', flat(xyOf(ring).reverse())) as InFrame<Geometry, F>;
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
