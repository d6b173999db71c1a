import assert from 'node:assert/strict';
import { initBackend, SeedSequence, tf } from '../../src/index.ts';

describe('SeedSequence', () => {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('yields the same seeds for the same master seed and different ones for another', () => {
    const take = (s: SeedSequence) => [s.next(), s.next(), s.next()];
    assert.deepEqual(take(new SeedSequence(7)), take(new SeedSequence(7)));
    assert.notDeepEqual(take(new SeedSequence(7)), take(new SeedSequence(8)));
    const seeds = take(new SeedSequence(7));
    assert.equal(new Set(seeds).size, 3);
  });

  it('forks named sub-sequences independent of how far the parent has advanced', () => {
    const a = new SeedSequence(1);
    const b = new SeedSequence(1);
    b.next();
    b.next();
    assert.equal(a.fork('backbone').next(), b.fork('backbone').next());
    assert.notEqual(a.fork('backbone').next(), a.fork('neck').next());
  });

  it('makes seeded tfjs initialisers reproducible on wasm and cpu alike', async () => {
    const draw = () => tf.randomNormal([64], 0, 1, 'float32', new SeedSequence(3).next()).dataSync();
    const wasm = draw();
    assert.deepEqual(draw(), wasm);
    await tf.setBackend('cpu');
    try {
      assert.deepEqual(draw(), wasm);
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('rejects a non-integer seed', () => {
    assert.throws(() => new SeedSequence(0.5), /seed must be an integer, got 0.5/);
  });
});
