/** Worker entry for the pool tests: echoes, throws or exits as each task asks. */
import { serveTasks } from '../../src/workers/worker-pool.ts';

export type TestTask = { echo: string; delayMs?: number } | { throw: string } | { exit: number };

serveTasks<TestTask, string>((task) => {
  if ('throw' in task) throw new Error(task.throw);
  if ('exit' in task) process.exit(task.exit);
  if (task.delayMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, task.delayMs);
  return { result: task.echo };
});
