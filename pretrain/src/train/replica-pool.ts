import { Worker } from 'node:worker_threads';
import type { BackendChoice } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import { FlatLayout } from './flat-layout.ts';
import type { ModuleCall } from './module-call.ts';
import type { FromReplica, RemoteSample, ReplicaWorkerData, ToReplica } from './replica-messages.ts';

const BOOT = new URL('./replica-worker-boot.js', import.meta.url);

/** tfjs's backend names, as initBackend chooses them. */
const CHOICES: Record<string, BackendChoice> = { wasm: 'wasm', tensorflow: 'node', cpu: 'cpu' };

/** One worker thread holding a replica; every request fails with the worker's error once it has failed. */
class ReplicaThread {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, { resolve(s: RemoteSample[]): void; reject(e: Error): void }>();
  private nextId = 0;
  private failure: Error | null = null;
  private closing = false;
  private started!: { resolve(): void; reject(e: Error): void };

  constructor(readonly data: ReplicaWorkerData) {
    this.ready = new Promise((resolve, reject) => {
      this.started = { resolve, reject };
    });
    this.worker = new Worker(BOOT, { workerData: data });
    this.worker.on('message', (m: FromReplica) => this.receive(m));
    this.worker.on('error', (e) => this.fail(e instanceof Error ? e.message : String(e)));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(`stopped (exit code ${code})`);
    });
  }

  post(message: ToReplica): void {
    if (this.failure === null) this.worker.postMessage(message);
  }

  samples(seeds: number[]): Promise<RemoteSample[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    const answer = new Promise<RemoteSample[]>((resolve, reject) =>
      this.pending.set(id, { resolve, reject }),
    );
    this.post({ kind: 'samples', id, seeds });
    return answer;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private receive(m: FromReplica): void {
    if (m.kind === 'ready') this.started.resolve();
    else if (m.kind === 'failed') this.fail(m.message);
    else {
      this.pending.get(m.id)?.resolve(m.samples);
      this.pending.delete(m.id);
    }
  }

  private fail(message: string): void {
    if (this.failure !== null) return;
    this.failure = new Error(`replica worker ${this.data.index}: ${message}`);
    this.started.reject(this.failure);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    // The run stops on this error; a worker still computing would only hold the process open.
    void this.close();
  }
}

/**
 * Worker threads that each hold a replica of the model in a tfjs runtime of their own (`task` builds it there),
 * for data parallelism: they take the main thread's weights and compute the samples they are sent.
 */
export class ReplicaPool {
  private constructor(private readonly threads: ReplicaThread[]) {}

  /** Starts `count` replicas on the main thread's backend; rejects with the first one's failure to start. */
  static async start(
    count: number,
    task: ModuleCall,
    terms: readonly string[],
    trainable: string[],
  ): Promise<ReplicaPool> {
    const backend = CHOICES[tf.getBackend()];
    if (backend === undefined) throw new Error(`replica workers: unknown tfjs backend "${tf.getBackend()}"`);
    const threads = Array.from(
      { length: count },
      (_, i) => new ReplicaThread({ index: i + 1, backend, task, terms: [...terms], trainable }),
    );
    const pool = new ReplicaPool(threads);
    try {
      await Promise.all(threads.map((t) => t.ready));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.threads.length;
  }

  /** Sends every parameter and buffer's values; the replicas take them before their next samples. */
  setWeights(entries: [string, tf.Variable][]): void {
    const layout = FlatLayout.of(entries);
    const flat = layout.flatten(new Map(entries));
    const values = flat.dataSync() as Float32Array;
    flat.dispose();
    for (const t of this.threads) t.post({ kind: 'weights', names: [...layout.names], values });
  }

  /** The samples of these seeds computed by replica `replica` (1-based), in order. */
  samples(replica: number, seeds: number[]): Promise<RemoteSample[]> {
    return this.threads[replica - 1].samples(seeds);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.close()));
  }
}
