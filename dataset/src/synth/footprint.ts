/** Ground footprints of boxes in the global frame, to keep the scene's agents and the ego apart. */

export type Footprint = [number, number][];

/** Corners of a `width` x `length` box centred at (x, y) with heading `yaw` (length along the heading). */
export function footprint(x: number, y: number, yaw: number, width: number, length: number): Footprint {
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  return [
    [1, 1],
    [1, -1],
    [-1, -1],
    [-1, 1],
  ].map(([i, j]) => [
    x + (c * i * length) / 2 - (s * j * width) / 2,
    y + (s * i * length) / 2 + (c * j * width) / 2,
  ]);
}

/** Separating-axis test of two convex quadrilaterals (touching counts as overlapping). */
export function footprintsOverlap(a: Footprint, b: Footprint): boolean {
  for (const poly of [a, b]) {
    for (let k = 0; k < 4; k++) {
      const [x1, y1] = poly[k];
      const [x2, y2] = poly[(k + 1) % 4];
      const nx = y2 - y1;
      const ny = x1 - x2;
      const pa = a.map(([x, y]) => x * nx + y * ny);
      const pb = b.map(([x, y]) => x * nx + y * ny);
      if (Math.max(...pa) < Math.min(...pb) || Math.max(...pb) < Math.min(...pa)) return false;
    }
  }
  return true;
}
