import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, SeededRandom } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import { FlatLayout } from './flat-layout.ts';
import { callModule } from './module-call.ts';
import type { FromReplica, RemoteSample, ReplicaWorkerData, ToReplica } from './replica-messages.ts';
import { SampleStep } from './sample-gradients.ts';
import type { TrainingTask } from './training-task.ts';

// A replica of the model on a worker thread with its own tfjs runtime: it takes the main thread's weights, and
// computes the samples of the seeds it is sent, answering with their loss terms and gradients. A failure is sent
// back as a message, so that the run ends with this error rather than waiting for an answer.

const data = workerData as ReplicaWorkerData;
const port = parentPort!;
await initBackend({ prefer: data.backend });
const step = new SampleStep(await callModule<TrainingTask>(data.task), data.terms);
const gradients = layoutOf(data.trainable);
// Sent by copy, not transferred: on the cpu backend a read-back array may be the backend's own storage.
const send = (message: FromReplica) => port.postMessage(message);

let queue = Promise.resolve();
port.on('message', (message: ToReplica) => {
  // One at a time, in the order sent: a sample computed before its step's weights arrived would be wrong.
  queue = queue.then(() => handle(message));
});
send({ kind: 'ready' });

async function handle(message: ToReplica): Promise<void> {
  try {
    if (message.kind === 'weights') setWeights(message.names, message.values);
    else send({ kind: 'samples', id: message.id, samples: await computeSamples(message.seeds) });
  } catch (error) {
    send({
      kind: 'failed',
      id: message.kind === 'samples' ? message.id : null,
      message: (error as Error).message,
    });
  }
}

function layoutOf(names: string[]): FlatLayout {
  return FlatLayout.of(names.map((name) => [name, step.task.params.get(name)]));
}

function setWeights(names: string[], values: Float32Array): void {
  const layout = layoutOf(names);
  const total = layout.sizes.reduce((a, b) => a + b, 0);
  if (total !== values.length) {
    throw new Error(`the model here has ${total} values in the main thread's ${values.length}`);
  }
  const flat = tf.tensor1d(values, 'float32');
  const parts = layout.unflatten(flat);
  for (const [name, value] of parts) step.task.params.get(name).assign(value);
  tf.dispose([flat, ...parts.values()]);
}

async function computeSamples(seeds: number[]): Promise<RemoteSample[]> {
  const samples: RemoteSample[] = [];
  for (const seed of seeds) {
    const s = await step.run(new SeededRandom(seed));
    const flat = gradients.flatten(s.grads);
    const grads = flat.dataSync() as Float32Array;
    const reached = Uint8Array.from(gradients.names, (name) => (s.grads.has(name) ? 1 : 0));
    tf.dispose([flat, ...s.grads.values()]);
    samples.push({ total: s.total, terms: s.terms, grads, reached });
  }
  return samples;
}
