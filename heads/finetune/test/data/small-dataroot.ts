import path from 'node:path';
import { generateSynthDataset } from '@mim4d/dataset';

/**
 * A synthetic dataroot for the heads' fine-tuning tests, at `<dir>/data`: four scenes (three mini_train, one
 * mini_val) of `samples` key frames at 96x54, no sweeps, seed 5.
 */
export async function smallFinetuneDataroot(dir: string, samples = 3): Promise<string> {
  const out = path.join(dir, 'data');
  await generateSynthDataset(
    { out, scenes: 4, samples, sweeps: 0, lidarSweeps: 0, width: 96, height: 54, seed: 5 },
    { workers: 1 },
  );
  return out;
}
