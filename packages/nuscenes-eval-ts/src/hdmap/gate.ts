import Coordinate from 'jsts/org/locationtech/jts/geom/Coordinate.js';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import BufferOp from 'jsts/org/locationtech/jts/operation/buffer/BufferOp.js';
import BufferParameters from 'jsts/org/locationtech/jts/operation/buffer/BufferParameters.js';
import RelateOp from 'jsts/org/locationtech/jts/operation/relate/RelateOp.js';
import type { LidarPolylineM } from './data-classes.ts';

/**
 * The pair gate of MapTR's `custom_polyline_score` (eval-protocols.md B5): both resampled lines are
 * buffered (flat caps, mitre joins) and a pair is scored only if the two polygons intersect.
 * JSTS is a port of JTS, as GEOS is, so the buffers and the predicate agree with shapely's.
 */

const factory = new GeometryFactory();

// shapely's `buffer` passes 16 segments per quadrant; they only shape round joins, but keep GEOS's input.
const QUADRANT_SEGMENTS = 16;

/**
 * Distance kept from the buffer's edge and from the flat caps before a point is taken as surely inside.
 * GEOS and JTS simplify buffer input by 1% of the width (0.02 m here) and nothing else moves the
 * sides of a flat-capped mitre buffer, so a tenth of the width leaves a tenfold safety factor.
 */
const SURE_MARGIN_FRACTION = 0.1;

/** One resampled line of the gate, with its buffer built at most once and only if some pair needs it. */
export class GateLine {
  private polygon: unknown;
  private built = false;
  private arc: Float64Array | undefined;

  constructor(
    readonly line: LidarPolylineM,
    private readonly widthM: number,
    private readonly mitreLimit: number,
  ) {}

  /** Arc length in metres from the first point to each point; built on first use. */
  private get arcM(): Float64Array {
    if (!this.arc) {
      const line = this.line;
      const n = line.length / 2;
      const arc = new Float64Array(n);
      for (let i = 1; i < n; i++) {
        const dx = line[2 * i] - line[2 * i - 2];
        const dy = line[2 * i + 1] - line[2 * i - 1];
        arc[i] = arc[i - 1] + Math.sqrt(dx * dx + dy * dy);
      }
      this.arc = arc;
    }
    return this.arc;
  }

  get lengthM(): number {
    const arc = this.arcM;
    return arc.length > 0 ? arc[arc.length - 1] : 0;
  }

  get buffer(): unknown {
    if (!this.built) {
      this.polygon = bufferLine(this.line, this.widthM, this.mitreLimit);
      this.built = true;
    }
    return this.polygon;
  }

  /**
   * True if (x, y) lies, with a margin, in the rectangle swept by one of the line's segments and away
   * from the flat caps: such points are inside the buffer whatever the joins look like, so the
   * buffer need not be built. False means "not sure", never "outside".
   */
  surelyContains(x: number, y: number, nearVertex: number): boolean {
    const margin = SURE_MARGIN_FRACTION * this.widthM;
    const line = this.line;
    const last = line.length / 2 - 1;
    for (let s = Math.max(nearVertex - 1, 0); s <= Math.min(nearVertex, last - 1); s++) {
      const x0 = line[2 * s];
      const y0 = line[2 * s + 1];
      const sx = line[2 * s + 2] - x0;
      const sy = line[2 * s + 3] - y0;
      const len2 = sx * sx + sy * sy;
      if (!(len2 > 0)) continue;
      const t = ((x - x0) * sx + (y - y0) * sy) / len2;
      if (t < 0 || t > 1) continue;
      const hx = x - (x0 + t * sx);
      const hy = y - (y0 + t * sy);
      const arc = this.arcM[s] + t * Math.sqrt(len2);
      if (
        Math.sqrt(hx * hx + hy * hy) <= this.widthM - margin &&
        arc >= margin &&
        arc <= this.lengthM - margin
      ) {
        return true;
      }
    }
    return false;
  }

  /** The vertex is inside the line's body, at least the margin away from both flat caps. */
  awayFromCaps(vertex: number): boolean {
    const margin = SURE_MARGIN_FRACTION * this.widthM;
    return this.arcM[vertex] >= margin && this.arcM[vertex] <= this.lengthM - margin;
  }

  nearestVertex(x: number, y: number): number {
    const line = this.line;
    let best = 0;
    let bestD2 = Number.POSITIVE_INFINITY;
    for (let j = 0; j < line.length; j += 2) {
      const dx = x - line[j];
      const dy = y - line[j + 1];
      const d2 = dx * dx + dy * dy;
      if (d2 < bestD2) {
        bestD2 = d2;
        best = j / 2;
      }
    }
    return best;
  }
}

/**
 * Some vertex of `a`, away from `a`'s caps (so inside `a`'s own buffer), surely lies in `b`'s buffer:
 * the two buffers share that point.
 */
function surelyIntersect(a: GateLine, b: GateLine): boolean {
  const line = a.line;
  for (let i = 0; i < line.length; i += 2) {
    if (!a.awayFromCaps(i / 2)) continue;
    const x = line[i];
    const y = line[i + 1];
    if (b.surelyContains(x, y, b.nearestVertex(x, y))) return true;
  }
  return false;
}

function bufferLine(line: LidarPolylineM, widthM: number, mitreLimit: number): unknown {
  const coords = [];
  for (let i = 0; i < line.length; i += 2) coords.push(new Coordinate(line[i], line[i + 1]));
  const params = new BufferParameters(
    QUADRANT_SEGMENTS,
    BufferParameters.CAP_FLAT,
    BufferParameters.JOIN_MITRE,
    mitreLimit,
  );
  return BufferOp.bufferOp(factory.createLineString(coords), widthM, params);
}

/** True iff the reference would score this pair (its buffers intersect). */
export function gatePasses(a: GateLine, b: GateLine): boolean {
  return surelyIntersect(a, b) || surelyIntersect(b, a) || exactGate(a, b);
}

/** The buffer test itself, without the shortcut: what the reference computes. */
export function exactGate(a: GateLine, b: GateLine): boolean {
  return RelateOp.intersects(a.buffer, b.buffer) as boolean;
}
