import type { Mim4dConfig } from '../config/index.ts';
import type { Mim4dSample } from '../model/sample.ts';
import type { ModuleCall } from '../train/module-call.ts';
import type { SampleSource } from '../train/trainer.ts';
import { openPretrainDataset, type PretrainDataset, type PretrainScenes } from './nuscenes-samples.ts';
import { SampleCache } from './sample-cache.ts';

/** Memory the training-sample cache may fill with images (points and poses are small beside them). */
export const SAMPLE_CACHE_BYTES = 512 * 1024 ** 2;

export interface PretrainSplit {
  /** Every sample of every scene but the held-out one, loaded on demand through an LRU cache. */
  train: SampleSource & { tokens: string[]; cacheCapacity: number };
  heldOutScene: string;
  /** `config.evaluation.samples` samples of the held-out scene, evenly spread over it. */
  heldOut: Mim4dSample[];
}

/**
 * Holds out the dataset's last scene (in sample-table order) whole, so evaluation sees places the model never
 * trained on, and trains on the rest.
 */
export async function splitPretrainDataset(
  dataset: PretrainDataset,
  config: Mim4dConfig,
  cacheBytes = SAMPLE_CACHE_BYTES,
): Promise<PretrainSplit> {
  const { heldOutScene, heldTokens, trainTokens } = holdOutLastScene(dataset);
  const n = Math.min(config.evaluation.samples, heldTokens.length);
  const picked = Array.from(
    { length: n },
    (_, i) => heldTokens[Math.floor(((i + 0.5) * heldTokens.length) / n)],
  );
  const heldOut: Mim4dSample[] = [];
  for (const token of picked) heldOut.push(await dataset.load(token));
  return { train: cachedSamples(dataset, trainTokens, config, cacheBytes), heldOutScene, heldOut };
}

/** Where a worker thread finds the training samples: what the command opened. */
export interface PretrainTrainSetOptions {
  dataroot: string;
  version: string;
  config: Mim4dConfig;
  scenes?: PretrainScenes;
}

/** The training samples splitPretrainDataset gives for this dataroot, opened anew (by a replica worker). */
export async function openPretrainTrainSet(options: PretrainTrainSetOptions): Promise<SampleSource> {
  const { config } = options;
  const dataset = await openPretrainDataset(options.dataroot, options.version, config, options.scenes);
  return cachedSamples(dataset, holdOutLastScene(dataset).trainTokens, config, SAMPLE_CACHE_BYTES);
}

/** How a replica worker opens these training samples itself (`pretrain`'s `workers.train`). */
export function pretrainTrainSetCall(options: PretrainTrainSetOptions): ModuleCall {
  return { module: import.meta.url, name: 'openPretrainTrainSet', arg: options };
}

function holdOutLastScene(dataset: PretrainDataset) {
  const heldOutScene = dataset.scenes[dataset.scenes.length - 1];
  const heldTokens = dataset.tokens.filter((_, i) => dataset.scenes[i] === heldOutScene);
  const trainTokens = dataset.tokens.filter((_, i) => dataset.scenes[i] !== heldOutScene);
  if (trainTokens.length === 0) {
    throw new Error(
      `the dataset has one scene (${heldOutScene}); pretraining holds one scene out and needs two`,
    );
  }
  return { heldOutScene, heldTokens, trainTokens };
}

function cachedSamples(
  dataset: PretrainDataset,
  tokens: string[],
  config: Mim4dConfig,
  cacheBytes: number,
): PretrainSplit['train'] {
  const { frames, cameras, imageHeight, imageWidth } = config.input;
  const imageBytes = frames * cameras * imageHeight * imageWidth * 3 * Float32Array.BYTES_PER_ELEMENT;
  const cache = new SampleCache<Mim4dSample>(Math.max(1, Math.floor(cacheBytes / imageBytes)));
  return {
    tokens,
    count: tokens.length,
    cacheCapacity: cache.capacity,
    get: (i) => cache.get(tokens[i], () => dataset.load(tokens[i])),
  };
}
