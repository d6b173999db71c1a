/**
 * Parses sample batches in this thread or on a pool of workers, into one set of columns in file order.
 * Outcomes are read in the order the batches were handed over, so the first problem by position in the file
 * is the one reported, whichever worker finishes first; a bounded number of batches in flight bounds memory.
 */
import { WorkerPool } from '../workers/worker-pool.ts';
import type { BoxSourceOptions } from './box-collector.ts';
import {
  allocateBoxStorage,
  type BoxStorage,
  columnsOf,
  type EvalBoxes,
  EvalBoxesBuilder,
} from './data-classes.ts';
import { DetectionInputError } from './errors.ts';
import { type BatchOutcome, batchBoxCount, parseSampleBatch, type SampleBatch } from './sample-batch.ts';
import type { SampleBatchTask, SampleBatchWorkerData } from './sample-batch-worker.ts';

interface InFlight {
  tokens: string[];
  boxCounts: Uint32Array;
  outcome: Promise<BatchOutcome>;
}

export class OrderedBatchParser {
  private readonly storage: BoxStorage;
  /** Started with the first batch for workers: files whose samples are read in place need none. */
  private pool: WorkerPool<SampleBatchTask, BatchOutcome> | undefined;
  private readonly inFlight: InFlight[] = [];
  private readonly maxInFlight: number;
  /** Boxes handed over so far: where the next batch's boxes go. */
  private handedOver = 0;
  private readonly tokens: string[] = [];
  private readonly offsets: number[] = [0];

  /**
   * `capacity`: an upper bound on the boxes to come; `workers`: threads that parse, 0 parses each batch in
   * this thread as it is handed over; `recycle` takes back each batch's buffer once it is parsed.
   */
  constructor(
    private readonly options: BoxSourceOptions,
    private readonly capacity: number,
    workers: number,
    private readonly recycle: (buffer: ArrayBuffer) => void,
  ) {
    this.storage = allocateBoxStorage(capacity, workers > 0);
    // Two per worker: one being parsed, one waiting, so no worker idles while the next batch is read.
    this.maxInFlight = 2 * workers;
  }

  private workerPool(): WorkerPool<SampleBatchTask, BatchOutcome> | undefined {
    if (this.maxInFlight > 0 && !this.pool) {
      const data: SampleBatchWorkerData = { options: this.options, storage: this.storage };
      const entry = new URL('./sample-batch-worker.ts', import.meta.url);
      this.pool = new WorkerPool(entry, this.maxInFlight / 2, this.options.source, data);
    }
    return this.pool;
  }

  /**
   * A sample read in this thread by `read`, which pushes its boxes into the builder it is given and returns
   * where the sample ends, or -1 when it could not read all of it (its boxes are then dropped). Only valid
   * boxes are read in place, so the sample brings no problem of its own; returns what `read` returned.
   */
  readInPlace(token: string, read: (builder: EvalBoxesBuilder) => number): number {
    const start = this.handedOver;
    const builder = new EvalBoxesBuilder(0, { storage: this.storage, start, end: this.capacity });
    const end = read(builder);
    if (end < 0) return end;
    const count = builder.boxCount - start;
    this.handedOver += count;
    this.inFlight.push({ tokens: [token], boxCounts: Uint32Array.of(count), outcome: Promise.resolve({}) });
    return end;
  }

  /**
   * Hands a batch over: its bytes move to a worker, or it is parsed here and now (with no workers, or when
   * `here`: a few samples are not worth starting workers for).
   */
  enqueue(batch: SampleBatch, here = false): void {
    const firstBox = this.handedOver;
    this.handedOver += batchBoxCount(batch);
    const pool = here ? undefined : this.workerPool();
    let outcome: Promise<BatchOutcome>;
    if (this.handedOver > this.capacity) outcome = Promise.resolve(this.overflowOutcome(batch));
    else if (pool) {
      const task: SampleBatchTask = { batch, firstBox };
      outcome = pool.run(task, [batch.bytes.buffer as ArrayBuffer]);
    } else {
      outcome = Promise.resolve(parseSampleBatch(batch, this.options, this.storage, firstBox));
      this.recycle(batch.bytes.buffer as ArrayBuffer);
    }
    // Outcomes are awaited in order later; a failure that comes early is not an unhandled rejection.
    outcome.catch(() => {});
    this.inFlight.push({ tokens: batch.tokens, boxCounts: batch.boxCounts, outcome });
  }

  /** Waits while more batches are in flight than the workers keep busy with (bounding memory). */
  async settleExcess(): Promise<void> {
    while (this.inFlight.length > this.maxInFlight) await this.settleOldest();
  }

  /**
   * More boxes than the file's size allows for valid ones: this batch or an earlier one holds a box too short
   * to be valid, whose problem is reported in order. Only a file that grew while being read gets past that.
   */
  private overflowOutcome(batch: SampleBatch): BatchOutcome {
    const outcome = parseSampleBatch(batch, this.options, allocateBoxStorage(batchBoxCount(batch)), 0);
    return outcome.error
      ? outcome
      : { error: { where: this.options.source, rule: 'the file changed while it was being read' } };
  }

  private async settleOldest(): Promise<void> {
    const { tokens, boxCounts, outcome } = this.inFlight.shift()!;
    const { error, spent } = await outcome;
    if (spent) this.recycle(spent);
    if (error) throw new DetectionInputError(error.where, error.rule);
    let end = this.offsets[this.offsets.length - 1];
    for (let s = 0; s < tokens.length; s++) {
      this.tokens.push(tokens[s]);
      end += boxCounts[s];
      this.offsets.push(end);
    }
  }

  /** Waits for every batch: the boxes in file order, or the first problem among them. */
  async finish(): Promise<EvalBoxes> {
    while (this.inFlight.length > 0) await this.settleOldest();
    return {
      sampleTokens: this.tokens,
      sampleOffsets: Uint32Array.from(this.offsets),
      boxes: columnsOf(this.storage, this.handedOver),
    };
  }

  /** Throws `error`, found after every batch handed over, unless one of them holds an earlier problem. */
  async failAfter(error: unknown): Promise<never> {
    while (this.inFlight.length > 0) await this.settleOldest();
    throw error;
  }

  /** Stops the workers; call it whatever happened. */
  async close(): Promise<void> {
    await this.pool?.close();
  }
}
