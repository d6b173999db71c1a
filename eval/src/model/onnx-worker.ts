/**
 * Worker thread that owns the onnxruntime session. onnxruntime-node runs a graph synchronously on the thread
 * that calls it, so running it here leaves the main thread free to decode the next batch's images meanwhile.
 * Loaded through tsx's require hook: no top-level await in this module.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';

export interface OnnxWorkerData {
  path: string;
  intraOpThreads: number;
}

export interface RunRequest {
  id: number;
  feeds: Record<string, WorkerTensor>;
  outputs: string[];
}

export interface WorkerTensor {
  data: Float32Array<ArrayBuffer>;
  dims: number[];
}

export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'result'; id: number; outputs: Record<string, WorkerTensor>; seconds: number }
  | { kind: 'error'; id: number; message: string };

const port = parentPort!;
const { path, intraOpThreads } = workerData as OnnxWorkerData;
const opened = InferenceSession.create(path, {
  intraOpNumThreads: intraOpThreads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
opened.then(
  () => port.postMessage({ kind: 'ready' } satisfies WorkerMessage),
  (err: Error) => port.postMessage({ kind: 'failed', message: err.message } satisfies WorkerMessage),
);

async function run(request: RunRequest): Promise<WorkerMessage> {
  const session = await opened;
  const feeds = Object.fromEntries(
    Object.entries(request.feeds).map(([name, t]) => [name, new Tensor('float32', t.data, t.dims)]),
  );
  const start = performance.now();
  const results = await session.run(feeds, request.outputs);
  const seconds = (performance.now() - start) / 1000;
  const outputs: Record<string, WorkerTensor> = {};
  for (const name of request.outputs) {
    const tensor = results[name];
    if (tensor.type !== 'float32')
      throw new Error(`output "${name}" came out as ${tensor.type}, not float32`);
    // A copy the worker owns, so it can be transferred rather than cloned.
    outputs[name] = { data: (tensor.data as Float32Array).slice(), dims: [...tensor.dims] };
  }
  return { kind: 'result', id: request.id, outputs, seconds };
}

port.on('message', (request: RunRequest) => {
  run(request).then(
    (reply) => {
      const buffers = reply.kind === 'result' ? Object.values(reply.outputs).map((o) => o.data.buffer) : [];
      port.postMessage(reply, buffers);
    },
    (err: Error) =>
      port.postMessage({ kind: 'error', id: request.id, message: err.message } satisfies WorkerMessage),
  );
});
