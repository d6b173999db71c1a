/** Worker-thread entry: parses and validates the sample batches the file loader sends (sample-batch.ts). */
import { workerData } from 'node:worker_threads';
import { serveTasks } from '../workers/worker-pool.ts';
import type { BoxSourceOptions } from './box-collector.ts';
import type { BoxStorage } from './data-classes.ts';
import { type BatchOutcome, parseSampleBatch, type SampleBatch } from './sample-batch.ts';

export interface SampleBatchWorkerData {
  options: BoxSourceOptions;
  /** Shared columns the boxes are written into. */
  storage: BoxStorage;
}

export interface SampleBatchTask {
  batch: SampleBatch;
  /** Where the batch's first box goes in the storage. */
  firstBox: number;
}

const { options, storage } = workerData as SampleBatchWorkerData;

serveTasks<SampleBatchTask, BatchOutcome>(({ batch, firstBox }) => {
  const spent = batch.bytes.buffer as ArrayBuffer;
  return { result: { ...parseSampleBatch(batch, options, storage, firstBox), spent }, transfer: [spent] };
});
