/** The per-match quantities of the devkit (`eval/common/utils.py`), with its exact arithmetic. */
import { floorMod } from '../numeric/floor-mod.ts';

/** xy distance between centres, metres. `Math.hypot` rounds differently and would flip strict threshold tests. */
export function centerDistance(ax: number, ay: number, bx: number, by: number): number {
  const dx = ax - bx;
  const dy = ay - by;
  return Math.sqrt(dx * dx + dy * dy);
}

/** IoU of two boxes aligned at the same centre and heading; sizes (w, l, h) must be > 0. */
export function scaleIou(aw: number, al: number, ah: number, bw: number, bl: number, bh: number): number {
  const intersection = Math.min(aw, bw) * Math.min(al, bl) * Math.min(ah, bh);
  const union = aw * al * ah + bw * bl * bh - intersection;
  return intersection / union;
}

/** Signed smallest difference from angle `to` minus `from`, radians, for a given periodicity. */
export function angleDiff(to: number, from: number, period: number): number {
  let diff = floorMod(to - from + period / 2, period) - period / 2;
  if (diff > Math.PI) diff -= 2 * Math.PI;
  return diff;
}

/** Attribute accuracy: NaN when the GT has no attribute (code 0), else 1 or 0. */
export function attributeAccuracy(gtCode: number, predCode: number): number {
  if (gtCode === 0) return Number.NaN;
  return gtCode === predCode ? 1 : 0;
}
