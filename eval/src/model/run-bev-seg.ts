/**
 * Runs a BEV segmenter over a split's samples in order, a batch at a time (batched-run.ts), and hands each sample's
 * probabilities [6, X, Y] to `sink`.
 */
import type { NuScenes } from '@mim4d/dataset';
import { InputError } from '../cli/shared/exit-codes.ts';
import { type BatchTimes, runInBatches } from './batched-run.ts';
import type { BevSegCard } from './bev-seg-card.ts';
import type { OnnxSession } from './onnx-session.ts';

export async function runBevSeg(
  session: OnnxSession,
  nusc: NuScenes,
  tokens: readonly string[],
  model: BevSegCard,
  sink: (token: string, probs: Float32Array) => Promise<void>,
  options: { batch: number; progress?: boolean },
): Promise<BatchTimes> {
  const { cameras: n, imageHeight: h, imageWidth: w } = model.input;
  const perSample = 6 * model.cells.x * model.cells.y;
  return runInBatches(
    nusc,
    tokens,
    model.input,
    async (batch) => {
      const b = batch.tokens.length;
      const reply = await session.run(
        {
          images: { data: batch.images, dims: [b, n, h, w, 3] },
          ego_to_image: { data: batch.egoToImage, dims: [b, n, 4, 4] },
          lidar_to_ego: { data: batch.lidarToEgo!, dims: [b, 4, 4] },
        },
        ['probs'],
      );
      const { probs } = reply.outputs;
      const want = [b, 6, model.cells.x, model.cells.y];
      if (probs.dims.join() !== want.join()) {
        throw new InputError(
          `${session.onnxPath}: a batch of ${b} gave probs [${probs.dims.join(', ')}], expected [${want.join(', ')}]`,
        );
      }
      return { probs: probs.data, seconds: reply.seconds };
    },
    async ({ tokens: batchTokens }, { probs }) => {
      for (let s = 0; s < batchTokens.length; s++) {
        await sink(batchTokens[s], probs.slice(s * perSample, (s + 1) * perSample));
      }
    },
    { batch: options.batch, label: 'Segmenting', progress: options.progress, lidar: true },
  );
}
