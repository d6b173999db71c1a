import assert from 'node:assert/strict';
import { routeLengthM, yawChange } from '../../src/preview/ego-route.ts';

const deg = (d: number) => (d * Math.PI) / 180;
const pose = (timeS: number, x: number, y: number, yawDeg: number) => ({ timeS, x, y, yawRad: deg(yawDeg) });

describe('ego routes', () => {
  it('count a left turn across the +-180 degree seam as the 20 degrees it is', () => {
    const turn = yawChange([pose(0, 0, 0, 170), pose(0.05, 0, 0, 180), pose(0.1, 0, 0, -170)]);
    assert.ok(Math.abs(turn.netDeg - 20) < 1e-9, `${turn.netDeg}`);
    assert.ok(Math.abs(turn.totalDeg - 20) < 1e-9, `${turn.totalDeg}`);
  });

  it('sum every turn in the total but let a weave cancel in the net change', () => {
    const turn = yawChange([pose(0, 0, 0, 0), pose(1, 0, 0, 15), pose(2, 0, 0, 0)]);
    assert.ok(Math.abs(turn.netDeg) < 1e-9);
    assert.ok(Math.abs(turn.totalDeg - 30) < 1e-9);
  });

  it('measure the distance driven along the poses', () => {
    assert.equal(routeLengthM([pose(0, 0, 0, 0), pose(1, 3, 4, 0), pose(2, 3, 10, 90)]), 11);
    assert.equal(routeLengthM([]), 0);
  });
});
