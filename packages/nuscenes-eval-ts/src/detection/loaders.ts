/**
 * Loading detection boxes: submissions (`{meta, results}`) and ground truth in evaluation form
 * (sample_token -> boxes), from files (streamed) or from objects already in memory. Every rule of the devkit's
 * loader is enforced (box-collector.ts), each failure naming the JSON path and the rule.
 *
 * A file is read in this thread by the byte scanner, which offers each sample's list to the box reader
 * (box-bytes.ts) first: a list in the usual form is read from the file's bytes into the columns in one pass.
 * The others (another form, a problem, a list straddling two chunks) are cut out and parsed by JSON.parse and
 * the schema in batches, on worker threads once a whole batch of them is waiting.
 */
import { stat } from 'node:fs/promises';
import { reusedChunks } from '../json/reused-chunks.ts';
import { BoxBytesReader } from './box-bytes.ts';
import { BoxCollector, type BoxSourceOptions, SHORTEST_BOX_BYTES } from './box-collector.ts';
import { DETECTION_CVPR_2019 } from './config.ts';
import type { EvalBoxes } from './data-classes.ts';
import { DetectionInputError } from './errors.ts';
import { OrderedBatchParser } from './ordered-batch-parser.ts';
import { SampleBatchWriter } from './sample-batch.ts';
import { SampleScanner } from './sample-scanner.ts';

export interface LoadFileOptions {
  /** Called with the bytes read so far, for progress display. */
  onBytes?: (bytesRead: number) => void;
  /** Boxes per sample allowed in a submission; the devkit's config says 500. */
  maxBoxesPerSample?: number;
  /**
   * Worker threads that parse and validate boxes while this thread reads (default 2); 0 does it all in this
   * thread. Files under 4 MB are always read in this thread: starting workers would cost more than it saves.
   */
  workers?: number;
}

export interface LoadedSubmission {
  boxes: EvalBoxes;
  /** The submission's `meta`, passed through unchecked as the devkit does. */
  meta: unknown;
}

export const DEFAULT_LOAD_WORKERS = 2;
const WORKER_MIN_FILE_BYTES = 4 << 20;
/** About 3000 boxes: large enough that handing a batch over costs little next to parsing it. */
const BATCH_BYTES = 1 << 20;
/** Bytes read at a time. Samples are read in place unless they straddle two chunks: few do in large ones. */
export const LOAD_CHUNK_BYTES = 8 << 20;

function fileError(err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new DetectionInputError(path, 'file not found');
  if (code === 'EISDIR') return new DetectionInputError(path, 'is a directory, not a JSON file');
  return err;
}

/** Runs one scanner step; what it throws is the problem at the scanner's position, returned for later. */
function scanStep(step: () => void): unknown {
  try {
    step();
    return undefined;
  } catch (err) {
    return err;
  }
}

async function loadBoxesFile(
  path: string,
  samplesAt: 'root' | 'results',
  boxOptions: BoxSourceOptions,
  options: LoadFileOptions,
): Promise<{ boxes: EvalBoxes; topLevel: Map<string, unknown> }> {
  const size = await stat(path).then(
    (s) => s.size,
    (err) => Promise.reject(fileError(err, path)),
  );
  const workers = options.workers ?? DEFAULT_LOAD_WORKERS;
  if (!Number.isInteger(workers) || workers < 0) {
    throw new Error(`workers must be a whole number >= 0, got ${workers}`);
  }
  const capacity = Math.floor(size / SHORTEST_BOX_BYTES);
  const writer = new SampleBatchWriter(BATCH_BYTES);
  const parser = new OrderedBatchParser(
    boxOptions,
    capacity,
    size < WORKER_MIN_FILE_BYTES ? 0 : workers,
    (spent) => writer.recycle(spent),
  );
  const topLevel = new Map<string, unknown>();
  const reader = new BoxBytesReader();
  const maxBoxes = boxOptions.maxBoxesPerSample ?? Number.POSITIVE_INFINITY;
  // Samples read in place leave the batches to the few that are not (those straddling two chunks, say), so a
  // batch is handed to the workers only once full: a file whose samples mostly need JSON.parse.
  const handOver = () => {
    const batch = writer.take();
    if (batch) parser.enqueue(batch, true);
  };
  const scanner = new SampleScanner(
    { samplesAt, source: path, maxBoxesPerSample: boxOptions.maxBoxesPerSample },
    {
      topLevel: (key, value) => topLevel.set(key, value),
      sample: (sample) => {
        const full = writer.add(sample);
        if (full) parser.enqueue(full);
      },
      readSample: (token, bytes, at) => {
        // Samples captured before this one take their places in the columns first.
        handOver();
        return parser.readInPlace(token, (builder) =>
          reader.readList(bytes, at, bytes.length, token, maxBoxes, builder),
        );
      },
    },
  );
  try {
    let problem: unknown;
    let bytesRead = 0;
    // Each chunk is reused once the scanner has seen it: the scanner copies what it keeps.
    for await (const chunk of reusedChunks(path, Math.min(LOAD_CHUNK_BYTES, size + 1))) {
      problem = scanStep(() => scanner.write(chunk));
      if (problem) break;
      bytesRead += chunk.length;
      options.onBytes?.(bytesRead);
      await parser.settleExcess();
    }
    problem ??= scanStep(() => scanner.end());
    // Samples the scanner completed before stopping come before its problem and may hold an earlier one.
    handOver();
    if (problem) await parser.failAfter(problem);
    return { boxes: await parser.finish(), topLevel };
  } catch (err) {
    throw fileError(err, path);
  } finally {
    await parser.close();
  }
}

/** Streams a submission file: `{meta, results: {sample_token: [box, ...]}}`, at most 500 boxes per sample. */
export async function loadPredictionFile(
  path: string,
  options: LoadFileOptions = {},
): Promise<LoadedSubmission> {
  const max = options.maxBoxesPerSample ?? DETECTION_CVPR_2019.max_boxes_per_sample;
  const source = { source: path, pathPrefix: 'results', maxBoxesPerSample: max };
  const { boxes, topLevel } = await loadBoxesFile(path, 'results', source, options);
  return { boxes, meta: topLevel.get('meta') };
}

/** Streams ground truth in evaluation form: `{sample_token: [box, ...]}` (the devkit's EvalBoxes JSON). */
export async function loadEvalBoxesFile(path: string, options: LoadFileOptions = {}): Promise<EvalBoxes> {
  const { boxes } = await loadBoxesFile(path, 'root', { source: path, pathPrefix: '' }, options);
  return boxes;
}

function asRecord(value: unknown, where: string, rule: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DetectionInputError(where, rule);
  return value as Record<string, unknown>;
}

/** A submission already parsed into memory, validated by the same rules as the file loader. */
export function submissionFromObject(
  data: unknown,
  source = 'results',
  maxBoxesPerSample = DETECTION_CVPR_2019.max_boxes_per_sample,
): LoadedSubmission {
  const root = asRecord(data, source, 'the submission must be a JSON object');
  if (!('results' in root)) throw new DetectionInputError(source, 'missing field `results`');
  if (!('meta' in root)) throw new DetectionInputError(source, 'missing field `meta`');
  const results = asRecord(
    root.results,
    `${source}: results`,
    'must be an object mapping sample tokens to box lists',
  );
  const collector = new BoxCollector({ source, pathPrefix: 'results', maxBoxesPerSample });
  for (const [token, boxes] of Object.entries(results)) collector.addSample(token, boxes);
  return { boxes: collector.build(), meta: root.meta };
}

/** Boxes in the devkit's EvalBoxes serialisation (sample_token -> boxes), already in memory. */
export function evalBoxesFromObject(data: unknown, source = 'gt'): EvalBoxes {
  const root = asRecord(data, source, 'must be an object mapping sample tokens to box lists');
  const collector = new BoxCollector({ source, pathPrefix: '' });
  for (const [token, boxes] of Object.entries(root)) collector.addSample(token, boxes);
  return collector.build();
}
