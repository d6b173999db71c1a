import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readSafetensors } from '@mim4d/nn';
import { BACKBONE_WEIGHTS_FORMAT, type Mim4dConfig, validateConfig } from '@mim4d/pretrain';
import type { BackboneTensor } from './resolved-backbone.ts';

export interface BackboneFile {
  config: Mim4dConfig;
  /** Pretraining step of the weights, from the metadata ('?' when absent). */
  step: string;
  tensors: Map<string, BackboneTensor>;
  sha256: string;
}

/** The pretraining config in the metadata; `source` names the file in every error. */
function configOf(metadata: Record<string, string>, source: string): Mim4dConfig {
  const { format, config } = metadata;
  if (format !== undefined && format !== BACKBONE_WEIGHTS_FORMAT) {
    throw new Error(`${source}: metadata format is "${format}", expected ${BACKBONE_WEIGHTS_FORMAT}`);
  }
  if (config === undefined) {
    throw new Error(
      `${source}: metadata has no config, so the backbone architecture is unknown (write it with mim4d pretrain export)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(config);
  } catch (error) {
    throw new Error(`${source}: metadata config is not valid JSON (${(error as Error).message})`);
  }
  return validateConfig(parsed, `${source} metadata config`);
}

/** Reads backbone.safetensors as `mim4d pretrain export` writes it: weights plus the run's config and step. */
export function readBackboneFile(path: string, source = path): BackboneFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`${source}: cannot read (${(error as Error).message})`);
  }
  const { tensors, metadata } = readSafetensors(bytes, source);
  return {
    config: configOf(metadata, source),
    step: metadata.step ?? '?',
    tensors: new Map([...tensors].map(([name, { shape, data }]) => [name, { shape, data }])),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}
