import type { DeclaredIo } from '../onnx/match-io.ts';

/** The version tag every card carries in `cardVersion`; a new incompatible schema gets a new number. */
export const CARD_VERSION = 1;

/** One file of the revision that the card describes. ONNX files must state their graph I/O. */
export interface CardArtifact {
  /** Path of the file inside the revision, e.g. `backbone.onnx`. */
  path: string;
  format: 'onnx' | 'safetensors' | 'json' | 'npz' | 'other';
  /** What the file is for, e.g. `backbone`, `detection-head`, `config`. */
  role: string;
  /** Required when `format` is `onnx`; checked against the file when the revision is published. */
  io?: DeclaredIo;
}

/** Per-camera image preprocessing the ONNX inputs expect (timm `PretrainedCfg` style). */
export interface CardImagePreprocessing {
  /** Per-channel mean subtracted from 0..255 pixel values, in `color` channel order. */
  mean: [number, number, number];
  /** Per-channel divisor applied after the mean. */
  std: [number, number, number];
  color: 'RGB' | 'BGR';
  /** Network input size in pixels, [height, width]. */
  resizePx: [number, number];
  crop: 'none' | 'center' | 'bottom';
  cameras?: string[];
}

export interface CardPreprocessing {
  images?: CardImagePreprocessing;
  /** Frames per clip and their spacing, for temporal models. */
  frames?: { count: number; strideS: number };
  /** Frame the model's 3D outputs are expressed in. */
  outputFrame?: 'ego' | 'lidar' | 'global';
  /** BEV grid covered by BEV outputs, metres in `outputFrame`: [xmin, ymin, xmax, ymax]. */
  bevRangeM?: [number, number, number, number];
}

export interface CardProvenance {
  codeRepo: string;
  codeCommit: string;
  configPath?: string;
  configSha256?: string;
  date?: string;
}

export interface CardTraining {
  /** Dataset specs such as `nuscenes:v1.0-trainval/train` or `synthetic:mim4d-scenes@1`. */
  datasets: string[];
  epochs?: number;
  steps?: number;
  resources?: string;
  /** `ns/name@revision` of the checkpoint this one was fine-tuned from. */
  pretrainedFrom?: string;
  provenance: CardProvenance;
}

/** One measured result, tied to a versioned benchmark so numbers stay comparable. */
export interface CardResult {
  /** Benchmark id with its version, e.g. `nuscenes-detection@v1`. */
  benchmark: string;
  task: string;
  dataset: { name: string; version: string; split: string };
  metrics: Record<string, number>;
  perClass?: Record<string, Record<string, number>>;
  status: 'verified' | 'self-reported';
  provenance: {
    /** e.g. `nuscenes-eval-ts@0.1.0` or `nuscenes-devkit==1.1.11`. */
    evalToolkit: string;
    /** The converter that produced the evaluation data, e.g. `mmdet3d==1.4.0` or `mim4d-dataset@0.1.0`. */
    dataConverter: string;
    /** Box/coordinate convention the predictions use, e.g. `mmdet3d>=1.0`. */
    coordConvention: string;
    codeCommit?: string;
    hardware?: { accelerator: string; count: number };
    seed?: number;
    date?: string;
  };
}

export interface CardSensors {
  camera: boolean;
  lidar: boolean;
  radar: boolean;
  map: boolean;
  external: boolean;
}

/** What a revision's outputs are for, so a harness can refuse a checkpoint made for another task. */
export type CardTask = 'backbone' | 'detection' | 'bev-seg' | 'hdmap';

/** How a detector's raw outputs become a nuScenes submission (the UVTR head's NMS-free decoding). */
export interface CardDetectionPostprocessing {
  /** Detections kept per sample: a flat top-k over queries x classes, by score. */
  topK: number;
  /**
   * Metres, per label: a detection whose centre lies farther than this from the ego in the xy plane is dropped.
   * The evaluation filters the ground truth with the same ranges.
   */
  classRangeM: Record<string, number>;
}

export interface CardPostprocessing {
  detection?: CardDetectionPostprocessing;
}

/** A model card: what a zoo revision contains, how to feed it, how it was trained and what it scores. */
export interface ModelCard {
  cardVersion: typeof CARD_VERSION;
  name: string;
  summary: string;
  task?: CardTask;
  /** Output class order: class channel i of the outputs is `labels[i]`. */
  labels?: string[];
  /** SPDX licence identifier, e.g. `apache-2.0`. */
  license: string;
  architecture: {
    family: string;
    backbone: string;
    neck?: string;
    head?: string;
    params?: number;
    flopsG?: number;
  };
  artifacts: CardArtifact[];
  preprocessing: CardPreprocessing;
  postprocessing?: CardPostprocessing;
  sensors?: CardSensors;
  training: CardTraining;
  results: CardResult[];
  paper?: string;
}
