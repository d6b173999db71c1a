import type { Mim4dConfig } from '@mim4d/pretrain';

export interface BackboneTensor {
  shape: number[];
  data: Float32Array;
}

/** Where the weights came from: random init, a pretraining run, an export folder, a file, or the zoo. */
export type BackboneKind = 'none' | 'run' | 'export' | 'file' | 'zoo';

/** Pretrained backbone weights, by their checkpoint (ParamStore) names, ready for {@link transferWeights}. */
export interface ResolvedBackbone {
  /** As the user gave it. */
  ref: string;
  kind: BackboneKind;
  /** One line for logs: what was loaded, from where, at which step. */
  description: string;
  /** The pretraining config, from the checkpoint or the safetensors metadata; null for `none`. */
  config: Mim4dConfig | null;
  tensors: Map<string, BackboneTensor>;
  /** Zoo revision id the weights were pulled from. */
  revision?: string;
  /** sha256 (hex) of the weights file. */
  sha256?: string;
}

/** Zoo connection settings; each one left out comes from the environment, then the saved login, as for pull. */
export interface ZooSettings {
  endpoint?: string;
  token?: string;
  cacheDir?: string;
  offline?: boolean;
}
