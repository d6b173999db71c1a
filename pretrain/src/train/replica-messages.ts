import type { BackendChoice } from '@mim4d/nn';
import type { ModuleCall } from './module-call.ts';

/** What a replica worker is started with. */
export interface ReplicaWorkerData {
  /** 1, 2, ...: the main thread is replica 0. */
  index: number;
  /** The backend the main thread computes with, so that every replica runs the same kernels. */
  backend: BackendChoice;
  /** Builds the worker's own TrainingTask (its model and its sample source). */
  task: ModuleCall;
  terms: readonly string[];
}

export type ToReplica =
  /** Every parameter and buffer of the main thread's model, by name. */
  | { kind: 'weights'; names: string[]; values: Float32Array[] }
  /** Compute the samples drawn from these stream seeds, in order. */
  | { kind: 'samples'; id: number; seeds: number[] };

/** A sample computed by a worker: its loss terms and gradients, read back from its runtime. */
export interface RemoteSample {
  total: number;
  terms: number[];
  grads: [name: string, values: Float32Array][];
}

export type FromReplica =
  | { kind: 'ready' }
  | { kind: 'samples'; id: number; samples: RemoteSample[] }
  /** `id` null: the failure was not a request's (a weight update). */
  | { kind: 'failed'; id: number | null; message: string };
