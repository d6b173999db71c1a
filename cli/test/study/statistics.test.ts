import assert from 'node:assert/strict';
import { pairedDelta, runsToResolve, summarise, surelyPositive } from '../../src/study/statistics.ts';

describe('study statistics', () => {
  it('summarises runs by mean and sample standard deviation', () => {
    const s = summarise([1, 2, 3, 4]);
    assert.equal(s.mean, 2.5);
    assert.ok(Math.abs((s.std ?? 0) - Math.sqrt(5 / 3)) < 1e-12);
    assert.deepEqual(summarise([0.3]), { mean: 0.3, std: null, n: 1 });
  });

  it('gives the paired delta a 95 % t-interval over the pairs (t(0.975, 4) = 2.776)', () => {
    // Differences 1, 2, 3, 4, 5: mean 3, sd sqrt(2.5), half-width 2.776 * sqrt(2.5 / 5) = 1.963.
    const d = pairedDelta([2, 4, 6, 8, 10], [1, 2, 3, 4, 5]);
    assert.equal(d.mean, 3);
    assert.ok(Math.abs((d.low ?? 0) - (3 - 1.96324)) < 1e-4, String(d.low));
    assert.ok(Math.abs((d.high ?? 0) - (3 + 1.96324)) < 1e-4, String(d.high));
    assert.ok(surelyPositive(d));
  });

  it('pairs runs, so a shift shared by both arms does not widen the interval', () => {
    const d = pairedDelta([10.1, 20.1, 30.1], [10, 20, 30]);
    assert.ok(surelyPositive(d));
    assert.ok((d.high ?? 0) - (d.low ?? 0) < 1e-9);
  });

  it('has no interval from a single pair, and refuses unpaired runs', () => {
    const d = pairedDelta([0.5], [0.2]);
    assert.deepEqual([d.low, d.high, d.n], [null, null, 1]);
    assert.ok(!surelyPositive(d));
    assert.throws(() => pairedDelta([1, 2], [1]), /2 runs against 1/);
  });

  it('sizes the paired runs whose 95 % interval is narrower than an effect (t(0.975, 6) / sqrt 7 < 1 < t(0.975, 5) / sqrt 6)', () => {
    assert.equal(runsToResolve(1, 1), 7);
    assert.equal(runsToResolve(2, 2), 7);
    assert.equal(runsToResolve(1, 0.001), null);
    assert.equal(runsToResolve(null, 1), null);
  });
});
