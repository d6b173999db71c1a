import { BUILDING_STYLE_NAMES, type BuildingStyleName, type TownStyles } from './building-styles.ts';
import type { Rect, Town } from './town.ts';
import type { PlantPart } from './vegetation.ts';

/**
 * The scenery a drive passes, in words for a scene description: the building styles of the blocks within `rangeM`
 * of any of the poses (most common first) and how many trees stand there, e.g. "brick and glass buildings, 12 trees".
 */
export function describeScenery(
  world: { town: Pick<Town, 'blocks'>; styles: TownStyles; plants: readonly PlantPart[] },
  poses: readonly { x: number; y: number }[],
  rangeM: number,
): string {
  const near = (r: Rect) =>
    poses.some((p) => Math.hypot(clamp(p.x, r.x0, r.x1) - p.x, clamp(p.y, r.y0, r.y1) - p.y) <= rangeM);
  const counts = new Map<BuildingStyleName, number>();
  world.town.blocks.forEach((block, b) => {
    const style = world.styles.blocks[b];
    if (style !== undefined && near(block.rect)) counts.set(style, (counts.get(style) ?? 0) + 1);
  });
  const styles = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || BUILDING_STYLE_NAMES.indexOf(a[0]) - BUILDING_STYLE_NAMES.indexOf(b[0]))
    .map(([name]) => name);
  const trees = world.plants.filter(
    (p) =>
      p.plant === 'tree' &&
      p.surface === 'bark' &&
      poses.some((q) => Math.hypot(p.cx - q.x, p.cy - q.y) <= rangeM),
  ).length;
  const buildings =
    styles.length === 0
      ? 'no buildings'
      : `${styles.length > 1 ? `${styles.slice(0, -1).join(', ')} and ${styles[styles.length - 1]}` : styles[0]} buildings`;
  return `${buildings}, ${trees === 0 ? 'no' : trees} tree${trees === 1 ? '' : 's'}`;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
