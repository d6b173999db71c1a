/**
 * Samples cut from the stream, packed into batches that can be parsed on another thread: their texts back to
 * back in one buffer (moved to the worker, not copied). The boxes are written into column storage shared
 * with the reading thread, each batch at the range of boxes it was given.
 */
import { BoxCollector, type BoxSourceOptions } from './box-collector.ts';
import { type BoxStorage, EvalBoxesBuilder } from './data-classes.ts';
import { DetectionInputError } from './errors.ts';
import type { CapturedSample } from './sample-scanner.ts';

export interface SampleBatch {
  /** The samples' texts, back to back; sample s is bytes[textEnds[s - 1] ?? 0, textEnds[s]). */
  bytes: Uint8Array;
  tokens: string[];
  textEnds: Uint32Array;
  /** Boxes per sample (the objects the scanner saw in its list). */
  boxCounts: Uint32Array;
  /** Ends found per sample: fewer than boxCounts only in a malformed list. */
  endCounts: Uint32Array;
  /** Where each box starts and ends, relative to its sample's text, sample after sample. */
  boxStarts: Uint32Array;
  boxEnds: Uint32Array;
}

/** The first problem in a batch (by position in the file), if it has one. */
export interface BatchOutcome {
  error?: { where: string; rule: string };
  /** The batch's buffer, handed back from a worker to be filled again. */
  spent?: ArrayBuffer;
}

/** Collects captured samples into batches of about `targetBytes` (more for a single larger sample). */
export class SampleBatchWriter {
  private buffer: Buffer | undefined;
  private used = 0;
  private tokens: string[] = [];
  private textEnds: number[] = [];
  private boxCounts: number[] = [];
  private endCounts: number[] = [];
  private boxStarts: number[] = [];
  private boxEnds: number[] = [];

  /**
   * Buffers of batches already parsed. Filling fresh memory costs page faults, about 1 s of CPU per GB on the
   * reading thread, so buffers go round instead.
   */
  private readonly spare: ArrayBuffer[] = [];

  constructor(private readonly targetBytes: number) {}

  /** Takes back a batch buffer once its batch is parsed. */
  recycle(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.targetBytes) this.spare.push(buffer);
  }

  /** Copies the sample in; returns the batch that was closed to make room for it, if any. */
  add(sample: CapturedSample): SampleBatch | undefined {
    const full = this.buffer && this.used + sample.byteLength > this.buffer.length ? this.take() : undefined;
    if (!this.buffer) {
      const spare = sample.byteLength <= this.targetBytes ? this.spare.pop() : undefined;
      // Not from Buffer's shared pool: the buffer must be whole to be moved to a worker.
      this.buffer = spare
        ? Buffer.from(spare)
        : Buffer.allocUnsafeSlow(Math.max(this.targetBytes, sample.byteLength));
    }
    for (const part of sample.parts) {
      this.buffer.set(part, this.used);
      this.used += part.length;
    }
    this.tokens.push(sample.token);
    this.textEnds.push(this.used);
    this.boxCounts.push(sample.boxStarts.length);
    this.endCounts.push(sample.boxEnds.length);
    for (const start of sample.boxStarts) this.boxStarts.push(start);
    for (const end of sample.boxEnds) this.boxEnds.push(end);
    return full;
  }

  /** The batch collected so far, if it holds any sample; the writer starts a new one. */
  take(): SampleBatch | undefined {
    if (!this.buffer || this.tokens.length === 0) return undefined;
    const batch: SampleBatch = {
      bytes: this.buffer.subarray(0, this.used),
      tokens: this.tokens,
      textEnds: Uint32Array.from(this.textEnds),
      boxCounts: Uint32Array.from(this.boxCounts),
      endCounts: Uint32Array.from(this.endCounts),
      boxStarts: Uint32Array.from(this.boxStarts),
      boxEnds: Uint32Array.from(this.boxEnds),
    };
    this.buffer = undefined;
    this.used = 0;
    this.tokens = [];
    this.textEnds = [];
    this.boxCounts = [];
    this.endCounts = [];
    this.boxStarts = [];
    this.boxEnds = [];
    return batch;
  }
}

/** A batch's box count. */
export function batchBoxCount(batch: SampleBatch): number {
  return batch.boxCounts.reduce((n, c) => n + c, 0);
}

/**
 * Parses and validates a batch's samples in order, writing their boxes into `storage` from box `firstBox`
 * on; the first bad sample ends it, as it would end the file.
 */
export function parseSampleBatch(
  batch: SampleBatch,
  options: BoxSourceOptions,
  storage: BoxStorage,
  firstBox: number,
): BatchOutcome {
  const end = firstBox + batchBoxCount(batch);
  const collector = new BoxCollector(options, new EvalBoxesBuilder(0, { storage, start: firstBox, end }));
  let textStart = 0;
  let startAt = 0;
  let endAt = 0;
  try {
    for (let s = 0; s < batch.tokens.length; s++) {
      const token = batch.tokens[s];
      collector.addSampleBytes(
        token,
        batch.bytes.subarray(textStart, batch.textEnds[s]),
        batch.boxStarts.subarray(startAt, startAt + batch.boxCounts[s]),
        batch.boxEnds.subarray(endAt, endAt + batch.endCounts[s]),
      );
      textStart = batch.textEnds[s];
      startAt += batch.boxCounts[s];
      endAt += batch.endCounts[s];
    }
  } catch (err) {
    if (err instanceof DetectionInputError) return { error: { where: err.where, rule: err.rule } };
    throw err;
  }
  return {};
}
