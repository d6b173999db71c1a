/**
 * Runs a graph over a split's samples in order, a batch at a time: batch k + 1's images are decoded on this thread
 * while onnxruntime runs batch k on its own, and each batch's outputs go to `handle` as they come.
 */
import type { NuScenes } from '@mim4d/dataset';
import { progressBar } from '../cli/shared/output.ts';
import { type FrameBatch, loadFrameBatch } from './frame-batch.ts';
import type { ImageInput } from './model-card-input.ts';

/** Seconds per phase; image decoding overlaps onnxruntime, so the phases may add up to more than `wall`. */
export interface BatchTimes {
  samples: number;
  imageDecoding: number;
  onnxruntime: number;
  postprocessing: number;
  wall: number;
}

export interface BatchedRunOptions {
  batch: number;
  /** The progress bar's label, e.g. `Detecting`. */
  label: string;
  /** Also load each sample's lidar -> frame ego matrix. */
  lidar?: boolean;
  progress?: boolean;
}

function batchesOf(tokens: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < tokens.length; i += size) out.push(tokens.slice(i, i + size));
  return out;
}

export async function runInBatches<R extends { seconds: number }>(
  nusc: NuScenes,
  tokens: readonly string[],
  input: ImageInput,
  run: (batch: FrameBatch) => Promise<R>,
  handle: (batch: FrameBatch, outputs: R) => Promise<void>,
  options: BatchedRunOptions,
): Promise<BatchTimes> {
  const start = performance.now();
  const times: BatchTimes = { samples: 0, imageDecoding: 0, onnxruntime: 0, postprocessing: 0, wall: 0 };
  const batches = batchesOf(tokens, options.batch);
  const bar = progressBar(
    options.label,
    tokens.length,
    'samples',
    options.progress ?? process.stderr.isTTY,
    true,
  );
  const load = (k: number) => loadFrameBatch(nusc, batches[k], input, options.lidar);
  let next: Promise<FrameBatch> | undefined = batches.length > 0 ? load(0) : undefined;
  try {
    for (let k = 0; next; k++) {
      const batch = await next;
      times.imageDecoding += batch.seconds;
      const running = run(batch);
      next = k + 1 < batches.length ? load(k + 1) : undefined;
      // Waiting on both keeps a failed prefetch from going unobserved while the graph runs.
      const [outputs] = await Promise.all([running, next?.then(() => undefined)]);
      times.onnxruntime += outputs.seconds;
      const postStart = performance.now();
      await handle(batch, outputs);
      times.postprocessing += (performance.now() - postStart) / 1000;
      times.samples += batch.tokens.length;
      bar.update(times.samples);
    }
  } finally {
    bar.stop();
  }
  times.wall = (performance.now() - start) / 1000;
  return times;
}
