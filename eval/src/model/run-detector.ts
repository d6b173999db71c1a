/**
 * Runs the detector over a split's samples in order, a batch at a time (batched-run.ts), and hands each sample's
 * decoded boxes to `sink`.
 */
import type { NuScenes } from '@mim4d/dataset';
import { decodeDetections, type SubmissionBox } from '@mim4d/head-detection';
import { InputError } from '../cli/shared/exit-codes.ts';
import { type BatchTimes, runInBatches } from './batched-run.ts';
import type { DetectorCard } from './detector-card.ts';
import type { DetectorSession } from './detector-session.ts';

export type DetectorTimes = BatchTimes;

export interface DetectorRunOptions {
  batch: number;
  progress?: boolean;
}

export async function runDetector(
  session: DetectorSession,
  nusc: NuScenes,
  tokens: readonly string[],
  detector: DetectorCard,
  sink: (token: string, boxes: SubmissionBox[]) => Promise<void>,
  options: DetectorRunOptions,
): Promise<DetectorTimes> {
  const { cameras, imageHeight, imageWidth } = detector.input;
  return runInBatches(
    nusc,
    tokens,
    detector.input,
    (batch) => session.run(batch, cameras, imageHeight, imageWidth),
    async ({ tokens: batchTokens, egoToGlobal }, { queries: q, scores, boxes }) => {
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
    },
    { batch: options.batch, label: 'Detecting', progress: options.progress },
  );
}
