import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BACKBONE_MODULES, loadCheckpoint } from '@mim4d/pretrain';
import type { ResolvedBackbone } from './resolved-backbone.ts';

const isBackbone = (name: string) => BACKBONE_MODULES.some((m) => name.startsWith(`${m}.`));

/**
 * The backbone of a pretraining run's checkpoint: only the modules that transfer (as the released code's
 * `load_from` keeps them); the renderer, decoder and SDF field, and the optimiser state, stay behind.
 */
export function runBackbone(ref: string, runDir: string): ResolvedBackbone {
  const ckpt = loadCheckpoint(runDir);
  const tensors = new Map([...ckpt.params].filter(([name]) => isBackbone(name)));
  const weights = path.join(runDir, 'checkpoint', 'weights.bin');
  const { step, config } = ckpt.meta;
  return {
    ref,
    kind: 'run',
    description: `pretraining run ${runDir} (step ${step}, config ${config.name})`,
    config,
    tensors,
    sha256: createHash('sha256').update(readFileSync(weights)).digest('hex'),
  };
}
