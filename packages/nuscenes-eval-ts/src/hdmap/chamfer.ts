import { pairwiseSum64 } from '../numeric/pairwise-sum.ts';
import type { LidarPolylineM } from './data-classes.ts';

/**
 * MapTR's chamfer score of a pair of resampled polylines, -(ba + ab) / 2 (eval-protocols.md B5), where
 * ab is the mean over predicted points of the distance to the nearest GT point and ba the reverse.
 * Distances are sqrt(dx*dx + dy*dy) as scipy's cdist forms them; the means use numpy's pairwise sum.
 * sqrt is monotone and correctly rounded, so the minimum is taken over squared distances and rooted once.
 */
export class ChamferScorer {
  private predNearest: Float64Array;
  private gtNearest: Float64Array;

  constructor(numPoints: number) {
    this.predNearest = new Float64Array(numPoints);
    this.gtNearest = new Float64Array(numPoints);
  }

  score(pred: LidarPolylineM, gt: LidarPolylineM): number {
    const np = pred.length / 2;
    const ng = gt.length / 2;
    if (this.predNearest.length !== np || this.gtNearest.length !== ng) {
      this.predNearest = new Float64Array(np);
      this.gtNearest = new Float64Array(ng);
    }
    const predNearest = this.predNearest;
    const gtNearest = this.gtNearest;
    predNearest.fill(Number.POSITIVE_INFINITY);
    gtNearest.fill(Number.POSITIVE_INFINITY);
    for (let i = 0; i < np; i++) {
      const px = pred[2 * i];
      const py = pred[2 * i + 1];
      let rowMin = Number.POSITIVE_INFINITY;
      for (let j = 0; j < ng; j++) {
        const dx = px - gt[2 * j];
        const dy = py - gt[2 * j + 1];
        const d2 = dx * dx + dy * dy;
        if (d2 < rowMin) rowMin = d2;
        if (d2 < gtNearest[j]) gtNearest[j] = d2;
      }
      predNearest[i] = Math.sqrt(rowMin);
    }
    for (let j = 0; j < ng; j++) gtNearest[j] = Math.sqrt(gtNearest[j]);
    const ab = pairwiseSum64(predNearest) / np;
    const ba = pairwiseSum64(gtNearest) / ng;
    return -(ba + ab) / 2;
  }
}

/** Axis-aligned bounds of a polyline, metres. */
export interface BoundsM {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

export function boundsOf(line: LidarPolylineM): BoundsM {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < line.length; i += 2) {
    const x = line[i];
    const y = line[i + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}

/** Distance between two boxes: no point of one is nearer than this to any point of the other. */
export function boundsGap(a: BoundsM, b: BoundsM): number {
  const dx = Math.max(a.minX - b.maxX, 0, b.minX - a.maxX);
  const dy = Math.max(a.minY - b.maxY, 0, b.minY - a.maxY);
  return Math.sqrt(dx * dx + dy * dy);
}

function meanDistanceToBounds(line: LidarPolylineM, b: BoundsM): number {
  let sum = 0;
  for (let i = 0; i < line.length; i += 2) {
    const dx = Math.max(b.minX - line[i], 0, line[i] - b.maxX);
    const dy = Math.max(b.minY - line[i + 1], 0, line[i + 1] - b.maxY);
    sum += Math.sqrt(dx * dx + dy * dy);
  }
  return sum / (line.length / 2);
}

/**
 * A lower bound of the chamfer distance (-score): a point is never nearer to the other line's points
 * than to their bounding box. Costs 2n operations instead of n^2, and rules out most far pairs.
 */
export function chamferLowerBound(
  pred: LidarPolylineM,
  predBounds: BoundsM,
  gt: LidarPolylineM,
  gtBounds: BoundsM,
): number {
  return (meanDistanceToBounds(pred, gtBounds) + meanDistanceToBounds(gt, predBounds)) / 2;
}
