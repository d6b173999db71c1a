/**
 * Runs the detector over a split's samples in order, a batch at a time, and hands each sample's decoded boxes
 * to `sink`. Batch k + 1's images are decoded on this thread while onnxruntime runs batch k on its own.
 */
import type { NuScenes } from '@mim4d/dataset';
import { decodeDetections, type SubmissionBox } from '@mim4d/head-detection';
import { InputError } from '../cli/shared/exit-codes.ts';
import { progressBar } from '../cli/shared/output.ts';
import type { DetectorCard } from './detector-card.ts';
import type { DetectorSession } from './detector-session.ts';
import { type FrameBatch, loadFrameBatch } from './frame-batch.ts';

/** Seconds per phase; image decoding overlaps onnxruntime, so the phases may add up to more than `wall`. */
export interface DetectorTimes {
  samples: number;
  imageDecoding: number;
  onnxruntime: number;
  postprocessing: number;
  wall: number;
}

export interface DetectorRunOptions {
  batch: number;
  progress?: boolean;
}

function batchesOf(tokens: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < tokens.length; i += size) out.push(tokens.slice(i, i + size));
  return out;
}

export async function runDetector(
  session: DetectorSession,
  nusc: NuScenes,
  tokens: readonly string[],
  detector: DetectorCard,
  sink: (token: string, boxes: SubmissionBox[]) => Promise<void>,
  options: DetectorRunOptions,
): Promise<DetectorTimes> {
  const start = performance.now();
  const times: DetectorTimes = { samples: 0, imageDecoding: 0, onnxruntime: 0, postprocessing: 0, wall: 0 };
  const { cameras, imageHeight, imageWidth } = detector.input;
  const batches = batchesOf(tokens, options.batch);
  const bar = progressBar(
    'Detecting',
    tokens.length,
    'samples',
    options.progress ?? process.stderr.isTTY,
    true,
  );
  const load = (k: number) => loadFrameBatch(nusc, batches[k], detector.input);
  let next: Promise<FrameBatch> | undefined = batches.length > 0 ? load(0) : undefined;
  try {
    for (let k = 0; next; k++) {
      const batch = await next;
      times.imageDecoding += batch.seconds;
      const { tokens: batchTokens, egoToGlobal } = batch;
      const running = session.run(batch, cameras, imageHeight, imageWidth);
      next = k + 1 < batches.length ? load(k + 1) : undefined;
      // Waiting on both keeps a failed prefetch from going unobserved while the graph runs.
      const [outputs] = await Promise.all([running, next?.then(() => undefined)]);
      times.onnxruntime += outputs.seconds;
      const postStart = performance.now();
      const { queries: q, scores, boxes } = outputs;
      const c = detector.labels.length;
      for (let s = 0; s < batchTokens.length; s++) {
        let decoded: SubmissionBox[];
        try {
          decoded = decodeDetections(
            scores.subarray(s * q * c, (s + 1) * q * c),
            boxes.subarray(s * q * 10, (s + 1) * q * 10),
            q,
            detector.labels,
            egoToGlobal[s],
            detector.decoding,
          );
        } catch (err) {
          throw new InputError(`sample ${batchTokens[s]}: the detector's outputs: ${(err as Error).message}`);
        }
        await sink(batchTokens[s], decoded);
      }
      times.postprocessing += (performance.now() - postStart) / 1000;
      times.samples += batchTokens.length;
      bar.update(times.samples);
    }
  } finally {
    bar.stop();
  }
  times.wall = (performance.now() - start) / 1000;
  return times;
}
