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
  /** The trainable parameters in the main thread's order: the layout of a RemoteSample's gradients. */
  trainable: string[];
}

export type ToReplica =
  /** Every parameter and buffer of the main thread's model, end to end in the order of `names`. */
  | { kind: 'weights'; names: string[]; values: Float32Array }
  /** Compute the samples drawn from these stream seeds, in order. */
  | { kind: 'samples'; id: number; seeds: number[] };

/** A sample computed by a worker: its loss terms and gradients, read back from its runtime. */
export interface RemoteSample {
  total: number;
  terms: number[];
  /** Every trainable parameter's gradient end to end (ReplicaWorkerData.trainable's order; zeros where absent). */
  grads: Float32Array;
  /** 1 where the sample's loss reached the parameter, so that it has a gradient. */
  reached: Uint8Array;
}

export type FromReplica =
  | { kind: 'ready' }
  | { kind: 'samples'; id: number; samples: RemoteSample[] }
  /** `id` null: the failure was not a request's (a weight update). */
  | { kind: 'failed'; id: number | null; message: string };
