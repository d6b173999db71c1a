import { SeededRandom } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import { FlatLayout } from './flat-layout.ts';
import type { ModuleCall } from './module-call.ts';
import type { RemoteSample } from './replica-messages.ts';
import { ReplicaPool } from './replica-pool.ts';
import { type SampleGradients, SampleStep } from './sample-gradients.ts';
import type { TrainingTask } from './training-task.ts';

/** Where a run computes its samples: the main thread alone, or it and worker threads with replicas. */
export interface StepParallelism {
  /** Threads computing samples, the main one included (1: the main thread alone). */
  workers: number;
  /** Builds a worker's replica of the task (its model and sample source); needed with more than one worker. */
  replica?: ModuleCall;
}

/** A step's loss terms (the mean over its samples) and averaged gradients, which the caller owns. */
export type StepGradients = SampleGradients;

/**
 * The gradients of one optimisation step over `samplesPerStep` samples, as data-parallel training computes them
 * (the released code: one sample per GPU, gradients averaged): each sample's loss terms and gradients on its own,
 * then the mean over the samples. One sample per step is the task's step itself, its randomness drawn from the
 * run's stream. With more, the run's stream draws one seed per sample, in order, and sample k's draws (which
 * sample, its masks, rays and augmentation) all come from a stream of its own seed, so that which thread computes
 * it changes nothing: the samples are dealt round-robin to the threads (the main one is replica 0), and their
 * gradients are summed in sample order. The model's buffers (BatchNorm running statistics) keep the step's first
 * sample's update, as DDP's broadcast of rank 0's buffers does; the workers get every weight and buffer from the
 * main thread after each update (`sync`), so all replicas stay bit-identical.
 */
export class StepGradientRunner {
  private readonly layout: FlatLayout;

  private constructor(
    private readonly step: SampleStep,
    private readonly samplesPerStep: number,
    private readonly pool: ReplicaPool | null,
  ) {
    this.layout = FlatLayout.of(step.trainable);
  }

  static async start(
    task: TrainingTask,
    terms: readonly string[],
    samplesPerStep: number,
    parallelism: StepParallelism = { workers: 1 },
  ): Promise<StepGradientRunner> {
    const { workers, replica } = parallelism;
    if (!(Number.isInteger(workers) && workers >= 1)) {
      throw new Error(`workers must be a positive integer, got ${workers}`);
    }
    if (workers > samplesPerStep) {
      throw new Error(
        `${workers} workers need at least as many samples per step; optim.samplesPerStep is ${samplesPerStep}`,
      );
    }
    if (workers > 1 && replica === undefined) {
      throw new Error('this training task cannot run on worker threads (it names no replica builder)');
    }
    const step = new SampleStep(task, terms);
    const trainable = [...step.trainable.keys()];
    const pool = workers > 1 ? await ReplicaPool.start(workers - 1, replica!, terms, trainable) : null;
    const runner = new StepGradientRunner(step, samplesPerStep, pool);
    runner.sync();
    return runner;
  }

  /** Sends the main thread's weights and buffers to the workers (after each update, and at the start). */
  sync(): void {
    this.pool?.setWeights(this.step.task.params.entries());
  }

  async run(rng: SeededRandom): Promise<StepGradients> {
    const S = this.samplesPerStep;
    if (S === 1 && this.pool === null) return this.step.run(rng);
    const seeds = Array.from({ length: S }, () => rng.int(2 ** 32));
    const threads = 1 + (this.pool?.size ?? 0);
    const dealt = (replica: number) => seeds.filter((_, k) => k % threads === replica);
    const remote = Promise.all(
      Array.from({ length: threads - 1 }, (_, i) => this.pool!.samples(i + 1, dealt(i + 1))),
    );
    // Awaited after the main thread's own samples; a worker failing meanwhile must not go unhandled.
    remote.catch(() => {});
    const own: SampleGradients[] = [];
    try {
      await this.runOwn(dealt(0), own);
      const others = await remote;
      const ordered = seeds.map((_, k): FlatSample => {
        const [replica, i] = [k % threads, Math.floor(k / threads)];
        if (replica !== 0) return others[replica - 1][i];
        const s = own[i];
        const reached = Uint8Array.from(this.layout.names, (name) => (s.grads.has(name) ? 1 : 0));
        return { total: s.total, terms: s.terms, grads: this.layout.flatten(s.grads), reached };
      });
      return this.average(ordered);
    } finally {
      for (const s of own) tf.dispose([...s.grads.values()]);
    }
  }

  /**
   * The mean of the samples' terms and gradients (a parameter a sample's loss missed counts as zero for it; one no
   * sample reached has no gradient). The vectors are summed in sample order, element by element, so the sum does
   * not depend on which thread computed which sample.
   */
  private average(samples: FlatSample[]): StepGradients {
    const S = samples.length;
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / S;
    const flats = samples.map((s) => (s.grads instanceof Float32Array ? tf.tensor1d(s.grads) : s.grads));
    const sum = tf.tidy(() => tf.div(tf.addN(flats), S)) as tf.Tensor1D;
    const grads = this.layout.unflatten(sum);
    tf.dispose([sum, ...flats]);
    this.layout.names.forEach((name, i) => {
      if (samples.some((s) => s.reached[i] === 1)) return;
      grads.get(name)!.dispose();
      grads.delete(name);
    });
    return {
      total: mean(samples.map((s) => s.total)),
      terms: samples[0].terms.map((_, t) => mean(samples.map((s) => s.terms[t]))),
      grads,
    };
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  /** The main thread's samples; its buffers end as the first of them left them. */
  private async runOwn(seeds: number[], out: SampleGradients[]): Promise<void> {
    let firstBuffers: [tf.Variable, tf.Tensor][] = [];
    for (const seed of seeds) {
      out.push(await this.step.run(new SeededRandom(seed)));
      if (out.length === 1 && seeds.length > 1) {
        firstBuffers = this.step.task.params
          .entries()
          .filter(([, v]) => !v.trainable)
          .map(([, v]) => [v, tf.clone(v)]);
      }
    }
    for (const [v, value] of firstBuffers) {
      v.assign(value);
      value.dispose();
    }
  }
}

/** A sample's gradients as one vector (a worker's, read back, or the main thread's own). */
type FlatSample = Omit<RemoteSample, 'grads'> & { grads: Float32Array | tf.Tensor1D };
