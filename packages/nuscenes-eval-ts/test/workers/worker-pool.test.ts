import assert from 'node:assert/strict';
import { WorkerPool } from '../../src/workers/worker-pool.ts';
import type { TestTask } from './test-worker.ts';

const entry = new URL('./test-worker.ts', import.meta.url);

describe('worker pool', () => {
  let pool: WorkerPool<TestTask, string> | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('runs TypeScript workers and gives each task its own answer, whatever order they finish in', async () => {
    pool = new WorkerPool<TestTask, string>(entry, 2, 'test');
    const answers = await Promise.all([
      pool.run({ echo: 'slow', delayMs: 200 }),
      pool.run({ echo: 'fast' }),
      pool.run({ echo: 'third' }),
    ]);
    assert.deepEqual(answers, ['slow', 'fast', 'third']);
  });

  it('fails only the task whose handler threw, naming the pool', async () => {
    pool = new WorkerPool<TestTask, string>(entry, 1, 'f.json');
    await assert.rejects(pool.run({ throw: 'boom' }), { message: 'f.json: a worker failed: boom' });
    assert.equal(await pool.run({ echo: 'still here' }), 'still here');
  });

  it('rejects the waiting tasks of a worker that exits, and refuses later ones', async () => {
    pool = new WorkerPool<TestTask, string>(entry, 1, 'f.json');
    const exiting = pool.run({ exit: 3 });
    const queued = pool.run({ echo: 'sent after the exit' });
    const message = 'f.json: a worker exited unexpectedly (code 3)';
    await assert.rejects(exiting, { message });
    await assert.rejects(queued, { message });
    await assert.rejects(pool.run({ echo: 'x' }), { message });
  });

  it('rejects instead of hanging when the worker cannot load its entry', async () => {
    pool = new WorkerPool<TestTask, string>(new URL('./no-such-worker.ts', import.meta.url), 1, 'f.json');
    await assert.rejects(pool.run({ echo: 'x' }), /^Error: f\.json: a worker failed: Cannot find module/);
  });
});
