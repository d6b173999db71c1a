import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXPORT_FILES } from '@mim4d/pretrain';
import { parseRepoRef } from '@mim4d/zoo';
import { readBackboneFile } from './read-backbone-file.ts';
import type { BackboneKind, ResolvedBackbone, ZooSettings } from './resolved-backbone.ts';
import { runBackbone } from './run-backbone.ts';
import { zooBackbone } from './zoo-backbone.ts';

export interface ResolveBackboneOptions {
  zoo?: ZooSettings;
}

function fromFile(ref: string, file: string, kind: BackboneKind): ResolvedBackbone {
  const weights = readBackboneFile(file);
  return {
    ref,
    kind,
    description: `${kind === 'export' ? 'export ' : ''}${file} (step ${weights.step}, config ${weights.config.name})`,
    config: weights.config,
    tensors: weights.tensors,
    sha256: weights.sha256,
  };
}

function fromFolder(ref: string, dir: string): ResolvedBackbone {
  if (existsSync(path.join(dir, 'checkpoint', 'checkpoint.json'))) return runBackbone(ref, dir);
  const weights = path.join(dir, EXPORT_FILES.weights);
  if (existsSync(weights)) return fromFile(ref, weights, 'export');
  throw new Error(
    `backbone ${ref}: a folder without backbone weights (neither checkpoint/checkpoint.json of a pretraining run ` +
      `nor ${EXPORT_FILES.weights} of an export)`,
  );
}

/**
 * Finds the pretrained backbone a head starts from. REF is `none` (random init), a pretraining run folder, an
 * export folder (`mim4d pretrain export`), a .safetensors file, or a zoo model `namespace/name[@revision]`. A
 * local path that exists wins over a zoo model of the same spelling.
 */
export async function resolveBackbone(
  ref: string,
  options: ResolveBackboneOptions = {},
): Promise<ResolvedBackbone> {
  if (ref === 'none') {
    return {
      ref,
      kind: 'none',
      description: 'none: random initialisation',
      config: null,
      tensors: new Map(),
    };
  }
  if (existsSync(ref)) {
    if (statSync(ref).isDirectory()) return fromFolder(ref, ref);
    if (!ref.endsWith('.safetensors')) {
      throw new Error(
        `backbone ${ref}: a file that is not .safetensors (give a run or export folder instead)`,
      );
    }
    return fromFile(ref, ref, 'file');
  }
  try {
    parseRepoRef(ref);
  } catch (error) {
    throw new Error(
      `backbone ${ref}: no such file or folder, and not a zoo model either (${(error as Error).message})`,
    );
  }
  try {
    return await zooBackbone(ref, options.zoo ?? {});
  } catch (error) {
    throw new Error(`backbone ${ref} (no such local path, so a zoo model): ${(error as Error).message}`, {
      cause: error,
    });
  }
}
