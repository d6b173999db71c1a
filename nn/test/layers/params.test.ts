import assert from 'node:assert/strict';
import { BatchNorm, initBackend, LayerNorm, Linear, ParamStore, SeededRandom, tf } from '../../src/index.ts';

describe('parameters and normalisation layers', () => {
  before(async () => {
    await initBackend();
  });

  it('initialises each parameter from the seed and its name, whatever the creation order', () => {
    const a = new ParamStore(5);
    const la = new Linear(a.scope('a'), 4, 3);
    const lb = new Linear(a.scope('b'), 4, 3);
    const b = new ParamStore(5);
    const lb2 = new Linear(b.scope('b'), 4, 3);
    const la2 = new Linear(b.scope('a'), 4, 3);
    assert.deepEqual(la.weight.dataSync(), la2.weight.dataSync());
    assert.deepEqual(lb.weight.dataSync(), lb2.weight.dataSync());
    assert.notDeepEqual(la.weight.dataSync(), lb.weight.dataSync());
    const c = new ParamStore(6);
    assert.notDeepEqual(new Linear(c.scope('a'), 4, 3).weight.dataSync(), la.weight.dataSync());
    assert.throws(() => new Linear(a.scope('a'), 4, 3), /parameter a\.weight is defined twice/);
    for (const s of [a, b, c]) s.dispose();
  });

  it('refuses to load a parameter with the wrong shape, naming it', () => {
    const s = new ParamStore(1);
    new Linear(s.scope('fc'), 2, 2, { bias: false });
    assert.throws(
      () => s.load(new Map([['fc.weight', { shape: [2, 3], data: new Float32Array(6) }]]), 'ckpt'),
      /ckpt: parameter fc\.weight has shape \[2,3\], model expects \[2,2\]/,
    );
    s.dispose();
  });

  it('LayerNorm normalises each position over its channels', () => {
    const s = new ParamStore(1);
    const ln = new LayerNorm(s.scope('ln'), 4);
    const out = tf.tidy(() => ln.apply(tf.tensor2d([1, 2, 3, 4, 10, 10, 10, 10], [2, 4])).arraySync());
    const sd = Math.sqrt(1.25);
    assert.ok(out[0].every((v, i) => Math.abs(v - (i + 1 - 2.5) / sd) < 1e-4));
    assert.ok(out[1].every((v) => Math.abs(v) < 1e-4));
    s.dispose();
  });

  it('BatchNorm uses batch statistics in training, updates running ones, and uses those in evaluation', () => {
    const s = new ParamStore(1);
    const bn = new BatchNorm(s.scope('bn'), 1);
    const x = tf.tensor2d([1, 3], [2, 1]);
    const train = tf.tidy(() => bn.apply(x, true).dataSync());
    assert.ok(Math.abs(train[0] + 1) < 1e-3 && Math.abs(train[1] - 1) < 1e-3);
    assert.ok(Math.abs(bn.runningMean.dataSync()[0] - 0.2) < 1e-6, 'momentum 0.1 towards mean 2');
    assert.ok(Math.abs(bn.runningVar.dataSync()[0] - (0.9 + 0.1 * 2)) < 1e-6, 'unbiased variance 2');
    const evalOut = tf.tidy(() => bn.apply(x, false).dataSync());
    assert.ok(Math.abs(evalOut[0] - (1 - 0.2) / Math.sqrt(1.1 + 1e-5)) < 1e-5);
    s.dispose();
  });

  it('SeededRandom repeats its stream from a saved state', () => {
    const r = new SeededRandom(42);
    r.next();
    const state = r.getState();
    const a = [r.next(), r.int(10), r.normal()];
    r.setState(state);
    assert.deepEqual([r.next(), r.int(10), r.normal()], a);
    assert.deepEqual([...new SeededRandom(1).permutation(5)].sort(), [0, 1, 2, 3, 4]);
  });
});
