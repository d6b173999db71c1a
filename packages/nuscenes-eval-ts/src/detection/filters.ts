/**
 * The devkit's `filter_eval_boxes`, on plain inputs so this package needs no dataset reader: per sample, the
 * LIDAR_TOP ego-pose translation and the sample's bicycle-rack boxes.
 */
import type { DetectionName } from './config.ts';
import { DETECTION_NAMES } from './config.ts';
import { type EvalBoxes, selectBoxes } from './data-classes.ts';
import { DetectionInputError } from './errors.ts';
import { type Quaternion, rotationMatrix } from './quaternion.ts';

/** A point or translation in the global frame, metres. */
export type GlobalVec3 = readonly [number, number, number];

/** An annotated box in the global frame (a `static_object.bicycle_rack` annotation). */
export interface GlobalOrientedBox {
  translation: GlobalVec3;
  /** Width, length, height in metres. */
  size: readonly [number, number, number];
  rotation: Quaternion;
}

export interface SampleFilterContext {
  /** Translation of the ego pose of the sample's LIDAR_TOP sample_data, global frame. */
  egoTranslation: GlobalVec3;
  bikeRacks: readonly GlobalOrientedBox[];
}

export interface FilterCounts {
  total: number;
  afterDistance: number;
  afterPoints: number;
  afterBikeRacks: number;
}

/** Closed test of whether `point` lies in `box` (the devkit's `points_in_box` on one point). */
export function pointInBox(box: GlobalOrientedBox, point: GlobalVec3): boolean {
  const [w, l, h] = box.size;
  const r = rotationMatrix(box.rotation);
  const corner = (cx: number, cy: number, cz: number): GlobalVec3 => [
    r[0] * cx + r[1] * cy + r[2] * cz + box.translation[0],
    r[3] * cx + r[4] * cy + r[5] * cz + box.translation[1],
    r[6] * cx + r[7] * cy + r[8] * cz + box.translation[2],
  ];
  // Corners 0, 1, 3 and 4 of the devkit's `Box.corners` order.
  const p1 = corner(l / 2, w / 2, h / 2);
  const py = corner(l / 2, -w / 2, h / 2);
  const pz = corner(l / 2, w / 2, -h / 2);
  const px = corner(-l / 2, w / 2, h / 2);
  const v = [point[0] - p1[0], point[1] - p1[1], point[2] - p1[2]];
  for (const p of [px, py, pz]) {
    const a = [p[0] - p1[0], p[1] - p1[1], p[2] - p1[2]];
    const av = a[0] * v[0] + a[1] * v[1] + a[2] * v[2];
    const aa = a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
    if (!(av >= 0 && av <= aa)) return false;
  }
  return true;
}

/**
 * Keeps, per sample and in this order: boxes closer to the ego than their class range (xy, strict), boxes
 * whose `num_pts` is not 0, and bicycles/motorcycles whose centre is outside every bike rack.
 */
export function filterEvalBoxes(
  boxes: EvalBoxes,
  context: (sampleToken: string) => SampleFilterContext,
  classRange: Record<DetectionName, number>,
): { boxes: EvalBoxes; counts: FilterCounts } {
  const b = boxes.boxes;
  const keep = new Uint8Array(b.count);
  const counts: FilterCounts = { total: b.count, afterDistance: 0, afterPoints: 0, afterBikeRacks: 0 };
  const range = DETECTION_NAMES.map((n) => classRange[n]);
  const bicycle = DETECTION_NAMES.indexOf('bicycle');
  const motorcycle = DETECTION_NAMES.indexOf('motorcycle');
  for (let s = 0; s < boxes.sampleTokens.length; s++) {
    const token = boxes.sampleTokens[s];
    const ctx = context(token);
    if (!ctx) throw new DetectionInputError(`sample ${JSON.stringify(token)}`, 'no ego pose for this sample');
    const [ox, oy] = ctx.egoTranslation;
    for (let i = boxes.sampleOffsets[s]; i < boxes.sampleOffsets[s + 1]; i++) {
      const ex = b.centerX[i] - ox;
      const ey = b.centerY[i] - oy;
      if (!(Math.sqrt(ex * ex + ey * ey) < range[b.classCode[i]])) continue;
      counts.afterDistance++;
      if (b.numPts[i] === 0) continue;
      counts.afterPoints++;
      const cls = b.classCode[i];
      if (cls === bicycle || cls === motorcycle) {
        const centre: GlobalVec3 = [b.centerX[i], b.centerY[i], b.centerZ[i]];
        if (ctx.bikeRacks.some((rack) => pointInBox(rack, centre))) continue;
      }
      counts.afterBikeRacks++;
      keep[i] = 1;
    }
  }
  return { boxes: selectBoxes(boxes, keep), counts };
}
