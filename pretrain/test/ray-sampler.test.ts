import assert from 'node:assert/strict';
import { upsample } from '../src/model/ray-sampler.ts';
import type { RayBatch } from '../src/model/rays.ts';

describe('NeuS up-sampling', () => {
  it('returns each ray its coarse depths and the new ones merged in ascending order, the inner new ones at the surface', () => {
    const coarse = [1, 2, 3, 4, 5, 6, 7, 8];
    // Two rays: the surface (sdf zero crossing) between depths 3 and 4 on the first, 6 and 7 on the second.
    const t = Float32Array.from([...coarse, ...coarse]);
    const sdf = Float32Array.from([...coarse.map((d) => 3.5 - d), ...coarse.map((d) => 6.5 - d)]);
    const extra = 4;
    const out = upsample({ count: 2 } as RayBatch, t, sdf, coarse.length, extra, 64);
    for (const [ray, surface] of [
      [0, 3.5],
      [1, 6.5],
    ]) {
      const depths = Array.from(out.subarray(ray * 12, ray * 12 + 12));
      assert.deepEqual(
        depths,
        [...depths].sort((a, b) => a - b),
        `ray ${ray} ascending`,
      );
      const added = [...depths];
      for (const d of coarse) {
        assert.ok(added.includes(d), `ray ${ray} keeps coarse depth ${d}`);
        added.splice(added.indexOf(d), 1);
      }
      // Quantiles 0 and 1 land on the ends; the ones between, on the surface.
      for (const d of added.slice(1, -1))
        assert.ok(Math.abs(d - surface) <= 0.5, `ray ${ray}: ${d} is beside ${surface}`);
    }
  });
});
