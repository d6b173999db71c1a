import type { Mim4dConfig } from './types.ts';

const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

const OPTIM: Mim4dConfig['optim'] = {
  lr: 4e-4,
  backboneLrMult: 0.1,
  weightDecay: 0.01,
  clipNorm: 35,
  warmupFraction: 0.05,
  warmupStartRatio: 1 / 3,
  minLrRatio: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  samplesPerStep: 1,
};

/** vs0.1 pretraining (method spec section 1); needs a GPU-class machine. */
export const paper: Mim4dConfig = {
  name: 'paper',
  seed: 0,
  objective: 'mim4d',
  input: { cameras: 6, frames: 3, imageHeight: 480, imageWidth: 800, mean: IMAGENET_MEAN, std: IMAGENET_STD },
  mask: { patchSize: 32, ratio: 0.3 },
  encoder: {
    stemStride: 4,
    stageChannels: [96, 192, 384, 768],
    stageDepths: [3, 3, 27, 3],
    kernelSize: 7,
    dropPath: 0.2,
    layerScaleInit: 1e-6,
  },
  neck: { inStages: [1, 2, 3], extraLevels: 1, channels: 128 },
  depth: { bins: 64, min: 0, step: 1 },
  grid: { pcRange: [-51.2, -51.2, -5, 51.2, 51.2, 3], voxelSize: [0.8, 0.8, 1.6] },
  volume: { channels: 32 },
  decoder: {
    bevChannels: 128,
    shortDim: 128,
    shortHeads: 4,
    shortFfn: 256,
    longDim: 64,
    longHeads: 2,
    longFfn: 128,
    layers: 2,
    points: 4,
  },
  render: {
    raysPerCamera: 2048,
    stratifiedSamples: 72,
    importanceSamples: 24,
    upsampleInvS: 64,
    near: 1,
    minRadius: 2.5,
    xyMin: 3,
    xyMax: 50,
    hidden: 16,
    sdfLayers: 6,
    rgbLayers: 4,
    softplusBeta: 100,
    initVariance: 0.3,
    tapePerRender: false,
  },
  loss: { rgbWeight: 10, depthWeight: 10 },
  optim: { ...OPTIM, warmupFraction: 500 / 42000 },
  evaluation: { every: 2000, samples: 8, raysPerCamera: 512 },
};

/** Method spec section 5: every component at 2-core-CPU size. */
export const tiny: Mim4dConfig = {
  ...paper,
  name: 'tiny',
  input: { ...paper.input, imageHeight: 64, imageWidth: 112 },
  mask: { patchSize: 16, ratio: 0.3 },
  encoder: {
    stemStride: 4,
    stageChannels: [16, 32, 64],
    stageDepths: [1, 1, 1],
    kernelSize: 5,
    dropPath: 0,
    layerScaleInit: 1e-6,
  },
  neck: { inStages: [1, 2], extraLevels: 0, channels: 32 },
  depth: { bins: 24, min: 0, step: 2 },
  grid: { pcRange: [-25.6, -25.6, -2, 25.6, 25.6, 4.4], voxelSize: [1.6, 1.6, 1.6] },
  volume: { channels: 16 },
  decoder: {
    bevChannels: 32,
    shortDim: 32,
    shortHeads: 2,
    shortFfn: 64,
    longDim: 16,
    longHeads: 1,
    longFfn: 32,
    layers: 2,
    points: 4,
  },
  // The spec's 128 rays per camera. Taped whole, a step's four renderings abort the wasm backend's 4 GiB heap at
  // 128 rays (2.4 GiB at 64); taped one at a time the step peaks at 1.4 GiB resident (bench/pretrain-step.ts).
  render: {
    ...paper.render,
    raysPerCamera: 128,
    stratifiedSamples: 32,
    importanceSamples: 16,
    tapePerRender: true,
  },
  optim: OPTIM,
  evaluation: { every: 0, samples: 4, raysPerCamera: 128 },
};

/** Smallest configuration that still exercises every component; used by the tests. */
export const micro: Mim4dConfig = {
  ...tiny,
  name: 'micro',
  input: { ...tiny.input, cameras: 2, frames: 2, imageHeight: 32, imageWidth: 48 },
  encoder: { ...tiny.encoder, stageChannels: [8, 16, 16] },
  neck: { inStages: [1, 2], extraLevels: 0, channels: 8 },
  depth: { bins: 8, min: 0, step: 4 },
  grid: { pcRange: [-12.8, -12.8, -2, 12.8, 12.8, 4.4], voxelSize: [3.2, 3.2, 3.2] },
  volume: { channels: 4 },
  decoder: {
    bevChannels: 8,
    shortDim: 8,
    shortHeads: 2,
    shortFfn: 16,
    longDim: 4,
    longHeads: 1,
    longFfn: 8,
    layers: 1,
    points: 2,
  },
  // Small enough to tape whole, which keeps the tests' and the shipped backbone's numerics.
  render: {
    ...tiny.render,
    raysPerCamera: 16,
    stratifiedSamples: 8,
    importanceSamples: 4,
    xyMax: 20,
    tapePerRender: false,
  },
  // Runs of tens to hundreds of steps (tests, the quick start) need a faster rate than the paper's 42k-step one.
  optim: { ...OPTIM, lr: 3e-3 },
};

export const PRESETS: Record<string, Mim4dConfig> = { paper, tiny, micro };
