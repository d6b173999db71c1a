import assert from 'node:assert/strict';
import { exactGate, GateLine, gatePasses } from '../../src/hdmap/gate.ts';
import { ChamferScorer, lidarPolyline, resamplePolyline } from '../../src/index.ts';
import { readChamferCases } from './fixture-cases.ts';

const resampled = (pts: number[][]) => resamplePolyline(lidarPolyline(Float64Array.from(pts.flat())), 100);

describe('MapTR pair gate (flat-capped, mitre-joined 2 m buffers must intersect)', () => {
  it('takes the geometric shortcut only where JSTS agrees, on every near pair of the unseen cases', () => {
    const scorer = new ChamferScorer(100);
    let near = 0;
    let vetoed = 0;
    for (const c of readChamferCases('maptr_chamfer_unseen.json')) {
      c.gen_results.forEach((r, i) => {
        for (const p of r.vectors) {
          if (p.pts.length < 2) continue;
          for (const g of c.annotations[i].vectors) {
            if (g.type !== p.type) continue;
            const a = resampled(p.pts);
            const b = resampled(g.pts);
            // The gate is consulted only for pairs that could match at 1.5 m.
            if (scorer.score(a, b) < -1.5) continue;
            near++;
            const exact = exactGate(new GateLine(a, 2, 5), new GateLine(b, 2, 5));
            if (!exact) vetoed++;
            assert.equal(gatePasses(new GateLine(a, 2, 5), new GateLine(b, 2, 5)), exact);
          }
        }
      });
    }
    // Both outcomes occur, so the comparison means something.
    assert.ok(near > 100 && vetoed > 10, `near ${near}, vetoed ${vetoed}`);
  });

  it('passes lines that cross and vetoes a zero-length line', () => {
    const cross = new GateLine(
      resampled([
        [0, -5],
        [0, 5],
      ]),
      2,
      5,
    );
    const other = new GateLine(
      resampled([
        [-5, 0],
        [5, 0],
      ]),
      2,
      5,
    );
    assert.equal(gatePasses(cross, other), true);
    const point = new GateLine(
      resampled([
        [0, 0],
        [0, 0],
      ]),
      2,
      5,
    );
    assert.equal(gatePasses(cross, point), false);
  });
});
