/** A graph in onnxruntime on a worker thread (onnx-worker.ts), so the main thread decodes images meanwhile. */
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from 'nuscenes-eval-ts/typescript-worker';
import { InputError } from '../cli/shared/exit-codes.ts';
import type { OnnxWorkerData, RunRequest, WorkerMessage, WorkerTensor } from './onnx-worker.ts';

export interface SessionOutputs {
  outputs: Record<string, WorkerTensor>;
  /** Seconds onnxruntime spent in the graph. */
  seconds: number;
}

interface Pending {
  resolve: (message: Extract<WorkerMessage, { kind: 'result' }>) => void;
  reject: (error: Error) => void;
}

export class OnnxSession {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    readonly onnxPath: string,
  ) {}

  /** Starts the worker and waits until onnxruntime has loaded the graph (a graph it refuses is bad input). */
  static async open(onnxPath: string, intraOpThreads: number): Promise<OnnxSession> {
    const data: OnnxWorkerData = { path: onnxPath, intraOpThreads };
    const worker = startTypeScriptWorker(new URL('./onnx-worker.ts', import.meta.url), { workerData: data });
    const session = new OnnxSession(worker, onnxPath);
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'ready') resolve();
        else if (message.kind === 'failed') {
          reject(new InputError(`${onnxPath}: onnxruntime cannot load the graph: ${message.message}`));
        } else session.settle(message);
      });
      const fail = (error: Error) => {
        reject(error);
        session.failAll(error);
      };
      worker.on('error', (error) => fail(new Error(`the onnxruntime worker failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (!session.closed) fail(new Error(`the onnxruntime worker exited unexpectedly (code ${code})`));
      });
    }).catch(async (error) => {
      await session.close();
      throw error;
    });
    return session;
  }

  private settle(message: Exclude<WorkerMessage, { kind: 'ready' | 'failed' }>): void {
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.kind === 'result') waiting.resolve(message);
    else
      waiting.reject(new InputError(`${this.onnxPath}: onnxruntime failed on a batch: ${message.message}`));
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  /** Runs the graph; the feeds' arrays are handed to the worker, so they cannot be read afterwards. */
  async run(feeds: Record<string, WorkerTensor>, outputs: readonly string[]): Promise<SessionOutputs> {
    const request: RunRequest = { id: this.nextId++, feeds, outputs: [...outputs] };
    const reply = await new Promise<Extract<WorkerMessage, { kind: 'result' }>>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(
        request,
        Object.values(feeds).map((t) => t.data.buffer),
      );
    });
    return { outputs: reply.outputs, seconds: reply.seconds };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('the onnxruntime session was closed'));
    await this.worker.terminate();
  }
}
