import { inKerbFillet, kerbCorners } from '../../src/synth/kerbs.ts';
import { straightPoint } from '../../src/synth/road-bends.ts';
import type { Rect, Town } from '../../src/synth/town.ts';

/**
 * Whether (x, y) is on a town's drivable area: a road segment, an intersection, or a kerb fillet at a corner,
 * where a bent road (road-bends.ts) took them.
 */
export function onRoad(town: Town, bentX: number, bentY: number): boolean {
  const straight = straightPoint(town.bends, bentX, bentY);
  if (!straight) return false;
  const [x, y] = straight;
  const inside = (r: Rect) => x >= r.x0 - 1e-6 && x <= r.x1 + 1e-6 && y >= r.y0 - 1e-6 && y <= r.y1 + 1e-6;
  return (
    town.segments.some((s) => inside(s.rect)) ||
    town.intersections.some(inside) ||
    kerbCorners(town).some((c) => inKerbFillet(town, c, x, y))
  );
}
