import assert from 'node:assert/strict';
import { initBackend, missingTrainingKernels, parseBackendPreference, tf } from '../../src/index.ts';

describe('initBackend', () => {
  after(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('falls back from tfjs-node (not installed here) to the SIMD wasm build, saying why node was skipped', async () => {
    const info = await initBackend();
    assert.equal(info.choice, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(info.simd, true);
    assert.equal(info.threads, 1);
    assert.deepEqual(
      info.skipped.map((s) => s.choice),
      ['node'],
    );
    assert.match(info.skipped[0].reason, /@tensorflow\/tfjs-node/);
  });

  it('leaves no training kernel missing on wasm once started', async () => {
    await initBackend({ prefer: 'wasm' });
    assert.deepEqual(missingTrainingKernels('wasm'), []);
  });

  it('makes an explicitly requested backend that cannot start an error, not a silent fallback', async () => {
    await assert.rejects(
      initBackend({ prefer: 'node' }),
      /no tfjs backend could start: node: @tensorflow\/tfjs-node/,
    );
  });

  it('switches to the cpu backend on request and back', async () => {
    assert.equal((await initBackend({ prefer: 'cpu' })).tfName, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal((await initBackend({ prefer: 'wasm' })).tfName, 'wasm');
  });

  it('rejects an unknown preference, naming where it came from', () => {
    assert.throws(
      () => parseBackendPreference('gpu', 'MIM4D_BACKEND'),
      /MIM4D_BACKEND: unknown backend "gpu"/,
    );
    assert.equal(parseBackendPreference('cpu'), 'cpu');
  });
});
