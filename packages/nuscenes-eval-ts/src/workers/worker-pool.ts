/**
 * A fixed pool of worker threads that run one kind of task. The caller decides how many tasks are in flight
 * and in which order it reads their results; the pool only spreads them and makes sure every task settles:
 * a worker that throws, fails to start or exits rejects its tasks instead of leaving them waiting forever.
 */
import { parentPort, type Transferable, type Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from './typescript-worker.ts';

interface TaskMessage<In> {
  id: number;
  task: In;
}

type ReplyMessage<Out> = { id: number; result: Out } | { id: number; failure: string };

interface Waiting<Out> {
  resolve: (result: Out) => void;
  reject: (error: Error) => void;
}

interface Slot<Out> {
  worker: Worker;
  waiting: Map<number, Waiting<Out>>;
}

export class WorkerPool<In, Out> {
  private readonly slots: Slot<Out>[] = [];
  private nextId = 0;
  private closing = false;
  /** Set once a worker has failed: later tasks are refused at once rather than sent to a broken pool. */
  private broken: Error | undefined;

  /**
   * `entry` is a module that calls serveTasks(); `name` prefixes failure messages (for example the file being
   * read); `workerData` reaches every worker as `workerData`.
   */
  constructor(entry: URL, size: number, name: string, workerData?: unknown) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`a worker pool needs at least 1 worker, got ${size}`);
    for (let i = 0; i < size; i++) {
      const slot: Slot<Out> = { worker: startTypeScriptWorker(entry, { workerData }), waiting: new Map() };
      slot.worker.on('message', (message: ReplyMessage<Out>) => {
        const waiting = slot.waiting.get(message.id);
        if (!waiting) return;
        slot.waiting.delete(message.id);
        if ('failure' in message) waiting.reject(new Error(`${name}: ${message.failure}`));
        else waiting.resolve(message.result);
      });
      slot.worker.on('error', (error) =>
        this.fail(slot, new Error(`${name}: a worker failed: ${error.message}`)),
      );
      slot.worker.on('messageerror', (error) =>
        this.fail(slot, new Error(`${name}: a worker's reply could not be read: ${error.message}`)),
      );
      slot.worker.on('exit', (code) => {
        if (!this.closing) this.fail(slot, new Error(`${name}: a worker exited unexpectedly (code ${code})`));
      });
      this.slots.push(slot);
    }
  }

  private fail(slot: Slot<Out>, error: Error): void {
    this.broken ??= error;
    for (const waiting of slot.waiting.values()) waiting.reject(error);
    slot.waiting.clear();
  }

  /** Runs `task` on the least busy worker; the buffers in `transfer` move to it and are unusable here after. */
  run(task: In, transfer: readonly Transferable[] = []): Promise<Out> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closing) return Promise.reject(new Error('the worker pool is closed'));
    let slot = this.slots[0];
    for (const s of this.slots) if (s.waiting.size < slot.waiting.size) slot = s;
    const id = this.nextId++;
    return new Promise<Out>((resolve, reject) => {
      slot.waiting.set(id, { resolve, reject });
      const message: TaskMessage<In> = { id, task };
      slot.worker.postMessage(message, transfer);
    });
  }

  /** Stops every worker. Tasks still running are dropped: nobody may wait on them any more. */
  async close(): Promise<void> {
    this.closing = true;
    for (const slot of this.slots) slot.waiting.clear();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/**
 * The worker side: answers every task with `handle(task)`, moving the buffers it lists in `transfer`. An error
 * thrown by `handle` fails that task only; answers for expected problems (bad input) belong in `result`.
 */
export function serveTasks<In, Out>(handle: (task: In) => { result: Out; transfer?: Transferable[] }): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks() must run in a worker thread');
  port.on('message', ({ id, task }: TaskMessage<In>) => {
    let reply: ReplyMessage<Out>;
    let transfer: Transferable[] = [];
    try {
      const answer = handle(task);
      reply = { id, result: answer.result };
      transfer = answer.transfer ?? [];
    } catch (err) {
      reply = { id, failure: `a worker failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    port.postMessage(reply, transfer);
  });
}
