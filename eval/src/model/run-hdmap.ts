/**
 * Runs an HD-map model over a split's samples in order, a batch at a time (batched-run.ts), and hands each sample's
 * scores [V, 3] and points [V, P, 2] (lidar metres) to `sink`.
 */
import type { NuScenes } from '@mim4d/dataset';
import type { HdMapOutputs } from '@mim4d/head-hdmap';
import { InputError } from '../cli/shared/exit-codes.ts';
import { type BatchTimes, runInBatches } from './batched-run.ts';
import type { HdMapCard } from './hdmap-card.ts';
import type { OnnxSession } from './onnx-session.ts';

export async function runHdMap(
  session: OnnxSession,
  nusc: NuScenes,
  tokens: readonly string[],
  model: HdMapCard,
  sink: (token: string, outputs: HdMapOutputs) => Promise<void>,
  options: { batch: number; progress?: boolean },
): Promise<BatchTimes> {
  const { cameras: n, imageHeight: h, imageWidth: w } = model.input;
  const { vectors: V, points: P } = model;
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
        ['scores', 'pts'],
      );
      const { scores, pts } = reply.outputs;
      for (const [name, got, want] of [
        ['scores', scores.dims, [b, V, 3]],
        ['pts', pts.dims, [b, V, P, 2]],
      ] as const) {
        if (got.join() !== want.join()) {
          throw new InputError(
            `${session.onnxPath}: a batch of ${b} gave ${name} [${got.join(', ')}], expected [${want.join(', ')}]`,
          );
        }
      }
      return { scores: scores.data, pts: pts.data, seconds: reply.seconds };
    },
    async ({ tokens: batchTokens }, { scores, pts }) => {
      for (let s = 0; s < batchTokens.length; s++) {
        await sink(batchTokens[s], {
          scores: scores.slice(s * V * 3, (s + 1) * V * 3),
          pts: pts.slice(s * V * P * 2, (s + 1) * V * P * 2),
        });
      }
    },
    { batch: options.batch, label: 'Mapping', progress: options.progress, lidar: true },
  );
}
