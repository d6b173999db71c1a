/** The detector graph in onnxruntime, on a worker thread (onnx-worker.ts); one batch in flight at a time. */
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from 'nuscenes-eval-ts/typescript-worker';
import { InputError } from '../cli/shared/exit-codes.ts';
import type { FrameBatch } from './frame-batch.ts';
import type { OnnxWorkerData, RunRequest, WorkerMessage } from './onnx-worker.ts';

export interface DetectorOutputs {
  /** [batch, Q, labels] */
  scores: Float32Array;
  /** [batch, Q, 10] */
  boxes: Float32Array;
  queries: number;
  /** Seconds onnxruntime spent in the graph. */
  seconds: number;
}

interface Pending {
  resolve: (message: Extract<WorkerMessage, { kind: 'result' }>) => void;
  reject: (error: Error) => void;
}

export class DetectorSession {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly onnxPath: string,
    private readonly labels: number,
  ) {}

  /** Starts the worker and waits until onnxruntime has loaded the graph (a graph it refuses is bad input). */
  static async open(onnxPath: string, intraOpThreads: number, labels: number): Promise<DetectorSession> {
    const data: OnnxWorkerData = { path: onnxPath, intraOpThreads };
    const worker = startTypeScriptWorker(new URL('./onnx-worker.ts', import.meta.url), { workerData: data });
    const session = new DetectorSession(worker, onnxPath, labels);
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

  /** Runs one batch; the batch's arrays are handed to the worker, so they cannot be read afterwards. */
  async run(batch: FrameBatch, cameras: number, height: number, width: number): Promise<DetectorOutputs> {
    const b = batch.tokens.length;
    const request: RunRequest = {
      id: this.nextId++,
      feeds: {
        images: { data: batch.images, dims: [b, cameras, height, width, 3] },
        ego_to_image: { data: batch.egoToImage, dims: [b, cameras, 4, 4] },
      },
      outputs: ['scores', 'boxes'],
    };
    const reply = await new Promise<Extract<WorkerMessage, { kind: 'result' }>>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request, [batch.images.buffer, batch.egoToImage.buffer]);
    });
    const { scores, boxes } = reply.outputs;
    const queries = scores.dims[1];
    const shapesFit =
      scores.dims.length === 3 &&
      boxes.dims.length === 3 &&
      scores.dims[0] === b &&
      boxes.dims[0] === b &&
      scores.dims[2] === this.labels &&
      boxes.dims[1] === queries &&
      boxes.dims[2] === 10;
    if (!shapesFit) {
      throw new InputError(
        `${this.onnxPath}: not a detector: a batch of ${b} gave scores [${scores.dims.join(', ')}] and boxes ` +
          `[${boxes.dims.join(', ')}], expected [${b}, Q, ${this.labels}] and [${b}, Q, 10]`,
      );
    }
    return { scores: scores.data, boxes: boxes.data, queries, seconds: reply.seconds };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('the onnxruntime session was closed'));
    await this.worker.terminate();
  }
}
