export const PRETRAIN_OBJECTIVES = ['mim4d', 'spatial'] as const;
export type PretrainObjective = (typeof PRETRAIN_OBJECTIVES)[number];

/**
 * Every shape, range and rate of MIM4D pretraining (docs/design/mim4d-method.md section 1). Lengths are metres,
 * image sizes pixels, angles radians. Tensors are channels-last; volumes are [Z, Y, X, C] in the frame's ego frame.
 */
export interface Mim4dConfig {
  name: string;
  seed: number;
  /**
   * What pretraining learns from. `mim4d`: a dropped frame's volume is reconstructed from the other frames (ego
   * warp and temporal decoder) and both it and the directly encoded volume are rendered. `spatial`: the
   * MAE / UniPAD-style ablation, one frame, only the directly encoded volume rendered, no warp and no decoder
   * (heads.md section 6's spatial-only arm).
   */
  objective: PretrainObjective;
  input: {
    cameras: number;
    /** T: frame 0 is the key frame, 1..T-1 the previous sweeps. */
    frames: number;
    /** Network input size (after resizing and zero padding), pixels. */
    imageHeight: number;
    imageWidth: number;
    /** Per-channel normalisation of RGB in [0, 1] (ImageNet by default). */
    mean: [number, number, number];
    std: [number, number, number];
  };
  mask: {
    /** Side of a square MAE patch, pixels; must divide the image size and be a multiple of the deepest stride. */
    patchSize: number;
    /** Fraction of patches zeroed per image. */
    ratio: number;
  };
  encoder: {
    /** Stem conv kernel and stride (patchify). */
    stemStride: number;
    /** Channels per stage; stage s has stride stemStride * 2^s. */
    stageChannels: number[];
    stageDepths: number[];
    /** Depthwise kernel of a ConvNeXt block. */
    kernelSize: number;
    /** Maximum stochastic-depth rate (linearly increasing over blocks). */
    dropPath: number;
    layerScaleInit: number;
  };
  neck: {
    /** Encoder stages feeding the FPN. */
    inStages: number[];
    /** Extra stride-2 levels after the last stage. */
    extraLevels: number;
    channels: number;
  };
  depth: {
    bins: number;
    /** Depth of bin 0's start and the bin width, metres. */
    min: number;
    step: number;
  };
  grid: {
    /** [xmin, ymin, zmin, xmax, ymax, zmax] in the frame's ego frame, metres. */
    pcRange: [number, number, number, number, number, number];
    /** Voxel size [x, y, z], metres. */
    voxelSize: [number, number, number];
  };
  volume: {
    /** render_conv output channels (the volume V_t). */
    channels: number;
  };
  decoder: {
    /** BEV channels after the height-to-channel 1x1 conv. */
    bevChannels: number;
    shortDim: number;
    shortHeads: number;
    shortFfn: number;
    longDim: number;
    longHeads: number;
    longFfn: number;
    layers: number;
    points: number;
  };
  render: {
    raysPerCamera: number;
    stratifiedSamples: number;
    importanceSamples: number;
    /** Fixed inv_s of the NeuS up-sampling step. */
    upsampleInvS: number;
    /** Near plane, metres; far is the ray's exit from the pcRange box. */
    near: number;
    /** LiDAR points kept for rays: 3-D radius above minRadius, XY distance in (xyMin, xyMax), metres. */
    minRadius: number;
    xyMin: number;
    xyMax: number;
    hidden: number;
    sdfLayers: number;
    rgbLayers: number;
    softplusBeta: number;
    /** Initial v of inv_s = exp(10 v). */
    initVariance: number;
    /**
     * Tape each rendering of a step on its own (the encoder forward runs twice): peak memory of one rendering
     * instead of all of them, same gradients up to float summation order.
     */
    tapePerRender: boolean;
  };
  loss: {
    rgbWeight: number;
    depthWeight: number;
  };
  optim: {
    lr: number;
    backboneLrMult: number;
    weightDecay: number;
    clipNorm: number;
    /** Warm-up steps as a fraction of the run (at least one step). */
    warmupFraction: number;
    warmupStartRatio: number;
    minLrRatio: number;
    beta1: number;
    beta2: number;
    eps: number;
    /**
     * Samples whose gradients each step averages (the released code: 1 per GPU x 8 GPUs). A run computes them on
     * its worker threads (`--workers`), so the count, not the threads, is what changes the training.
     */
    samplesPerStep: number;
  };
  /** Held-out rendering evaluation (depth error and PSNR along LiDAR rays), logged to eval.jsonl. */
  evaluation: {
    /** Steps between evaluations besides the ones at the start and the end; 0: none in between. */
    every: number;
    /** Held-out samples evaluated (spread evenly over the held-out scene). */
    samples: number;
    /** LiDAR rays per camera of each sample's key frame. */
    raysPerCamera: number;
  };
}

/** Sizes derived from a config. */
export interface GridShape {
  x: number;
  y: number;
  z: number;
}

export function gridShape(config: Mim4dConfig): GridShape {
  const [x0, y0, z0, x1, y1, z1] = config.grid.pcRange;
  const [vx, vy, vz] = config.grid.voxelSize;
  return { x: Math.round((x1 - x0) / vx), y: Math.round((y1 - y0) / vy), z: Math.round((z1 - z0) / vz) };
}

/** Scale s that maps metres into the renderer's unit space (s = 1 / half-extent of the box in x). */
export function sceneScale(config: Mim4dConfig): number {
  return 2 / (config.grid.pcRange[3] - config.grid.pcRange[0]);
}
