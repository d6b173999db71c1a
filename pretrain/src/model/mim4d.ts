import { applyFixedSampler, type FixedSampler, ParamStore, type SeededRandom } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';
import { Mim4dBackbone } from './backbone.ts';
import { egoWarpSampler, targetToSource } from './ego-warp.ts';
import type { LevelLiftPlan } from './lifting.ts';
import { renderLoss } from './losses.ts';
import { PatchMask } from './masking.ts';
import { type RayBatch, sampleRays } from './rays.ts';
import { RenderConv } from './render-conv.ts';
import { type Rendered, renderRays } from './renderer.ts';
import { checkSample, type Mim4dSample } from './sample.ts';
import { SdfField } from './sdf-field.ts';
import { TemporalDecoder } from './temporal-decoder.ts';
import type { VoxelGrid } from './voxel-grid.ts';

/** Parameter-name prefix of the image backbone (its learning rate is scaled by backboneLrMult). */
export const BACKBONE_PREFIX = 'img_backbone.';

/**
 * The loss terms of one step, each already averaged over the targets: the directly encoded volume's rendering
 * (`rgb`, `depth`) and, with MIM4D's objective, the reconstructed volume's (`rgbAdj`, `depthAdj`).
 */
export interface LossTerms {
  rgb: tf.Scalar;
  depth: tf.Scalar;
  rgbAdj?: tf.Scalar;
  depthAdj?: tf.Scalar;
}

/** One rendering a step supervises: target `target`'s directly encoded volume, or its reconstruction. */
export interface RenderJob {
  target: number;
  reconstructed: boolean;
}

export interface RenderJobLoss {
  job: RenderJob;
  rgb: tf.Scalar;
  depth: tf.Scalar;
}

/** The step's loss: the sum of its terms. */
export function totalLoss(terms: LossTerms): tf.Scalar {
  return tf.addN(Object.values(terms)) as tf.Scalar;
}

/** The loss terms a config's objective produces, in loss.jsonl's order. */
export function lossTermNames(config: Mim4dConfig): readonly (keyof LossTerms)[] {
  return config.objective === 'spatial' ? ['rgb', 'depth'] : ['rgb', 'depth', 'rgbAdj', 'depthAdj'];
}

export interface EncodingPlan {
  mask: PatchMask;
  lift: LevelLiftPlan[][];
}

/** Host-side randomness and geometry of one training step, drawn before the tensor work. */
export interface StepPlan extends EncodingPlan {
  /** Dropped frames: 0 and one random previous frame (the spatial objective: frame 0 alone). */
  targets: number[];
  rays: RayBatch[];
  /** warps[i][j]: sampler moving frame j's volume into target i's grid (null for j = target). */
  warps: (FixedSampler | null)[][];
}

/**
 * MIM4D: spatially masked multi-view video -> sparse ConvNeXt -> FPN -> depth-weighted lifting -> per-frame
 * volumes; a dropped frame's volume is reconstructed from the others (ego-motion warp + temporal BEV decoder);
 * both the reconstruction and the directly encoded volume are supervised by SDF volume rendering. With the
 * `spatial` objective there is no decoder: one masked frame, its directly encoded volume rendered.
 */
export class Mim4dModel {
  readonly params: ParamStore;
  readonly backbone: Mim4dBackbone;
  readonly grid: VoxelGrid;
  readonly renderConv: RenderConv;
  /** Null with the spatial objective, which reconstructs nothing. */
  readonly decoder: TemporalDecoder | null;
  readonly field: SdfField;

  constructor(readonly config: Mim4dConfig) {
    this.params = new ParamStore(config.seed);
    this.backbone = new Mim4dBackbone(this.params, config);
    this.grid = this.backbone.grid;
    this.renderConv = new RenderConv(this.params.scope('render_conv'), config);
    this.decoder =
      config.objective === 'spatial'
        ? null
        : new TemporalDecoder(this.params.scope('history_decoder'), config, this.grid);
    this.field = new SdfField(this.params.scope('field'), config, this.grid);
  }

  /** The encoder's inputs: patch mask (random, or every patch visible) and lifting geometry. */
  encodingPlan(sample: Mim4dSample, rng: SeededRandom | null): EncodingPlan {
    const { frames: T, cameras: N, imageHeight: H, imageWidth: W } = this.config.input;
    checkSample(sample, T, N, H, W);
    const { patchSize, ratio } = this.config.mask;
    const mask =
      rng === null
        ? PatchMask.none(T * N, H, W, patchSize)
        : PatchMask.random(rng, T * N, H, W, patchSize, ratio);
    return { mask, lift: sample.frames.map((f) => this.backbone.planLifting(f)) };
  }

  /** Draws the step's masks, dropped frame, rays and warps. */
  plan(sample: Mim4dSample, rng: SeededRandom): StepPlan {
    const T = this.config.input.frames;
    const { mask, lift } = this.encodingPlan(sample, rng);
    const targets = this.decoder === null ? [0] : [0, 1 + rng.int(T - 1)];
    const rays = targets.map((k) => sampleRays(this.config, sample, k, rng));
    rays.forEach((r, i) => {
      if (r.count === 0) {
        throw new Error(
          `sample ${sample.id}: no LiDAR point of the key frame lands in any camera of frame ${targets[i]}`,
        );
      }
    });
    const warps = targets.map((k) =>
      sample.frames.map((f, j) =>
        j === k
          ? null
          : egoWarpSampler(this.grid, targetToSource(sample.frames[k].egoToGlobal, f.egoToGlobal)),
      ),
    );
    return { mask, lift, targets, rays, warps };
  }

  /**
   * Images -> per-frame lifted volumes [T, Z, Y, X, C] (before render_conv) and the per-level depth distributions
   * [T * N, h, w, bins]. `rng` enables stochastic depth in the encoder.
   */
  lift(
    sample: Mim4dSample,
    plan: EncodingPlan,
    rng: SeededRandom | null,
  ): { volumes: tf.Tensor5D; depth: tf.Tensor4D[] } {
    return this.backbone.lift(sample.images, plan.mask, plan.lift, rng);
  }

  /** Images -> per-frame volumes after render_conv, [T, Z, Y, X, C]. */
  encode(sample: Mim4dSample, plan: EncodingPlan, training: boolean, rng: SeededRandom | null): tf.Tensor5D {
    return this.renderConv.apply(this.lift(sample, plan, rng).volumes, training);
  }

  /** The decoder's reconstruction of target i's volume from the other frames. */
  reconstruct(volumes: tf.Tensor5D, plan: StepPlan, i: number): tf.Tensor4D {
    if (this.decoder === null)
      throw new Error(`config ${this.config.name}: the spatial objective has no decoder`);
    const { x, y, z } = this.grid;
    const c = this.config.volume.channels;
    const warped: tf.Tensor4D[] = [];
    plan.warps[i].forEach((sampler, j) => {
      if (sampler === null) return;
      const table = tf.reshape(this.volume(volumes, j), [-1, c]) as tf.Tensor2D;
      warped.push(tf.reshape(applyFixedSampler(table, sampler), [z, y, x, c]));
    });
    return this.decoder.apply(warped);
  }

  /** Loss terms of one step (call inside tf.variableGrads). */
  losses(sample: Mim4dSample, plan: StepPlan, rng: SeededRandom): LossTerms {
    const volumes = this.encode(sample, plan, true, rng);
    return this.averageTerms(this.renderJobs(plan).map((job) => this.renderJobLoss(volumes, plan, job, rng)));
  }

  /**
   * The renderings a step supervises, in the order they draw their randomness: per target, its directly encoded
   * volume and (MIM4D) its reconstruction.
   */
  renderJobs(plan: StepPlan): RenderJob[] {
    return plan.targets.flatMap((_, target) =>
      this.decoder === null
        ? [{ target, reconstructed: false }]
        : [
            { target, reconstructed: false },
            { target, reconstructed: true },
          ],
    );
  }

  /** A rendering's weighted RGB and depth losses, from the stacked frame volumes. */
  renderJobLoss(volumes: tf.Tensor5D, plan: StepPlan, job: RenderJob, rng: SeededRandom): RenderJobLoss {
    const rays = plan.rays[job.target];
    const volume = job.reconstructed
      ? this.reconstruct(volumes, plan, job.target)
      : this.volume(volumes, plan.targets[job.target]);
    return { job, ...renderLoss(this.config, renderRays(this.config, this.field, volume, rays, rng), rays) };
  }

  /** The step's loss terms: each rendering's losses averaged over the targets, direct and reconstructed apart. */
  averageTerms(rendered: readonly RenderJobLoss[]): LossTerms {
    const avg = (reconstructed: boolean, key: 'rgb' | 'depth') => {
      const xs = rendered.filter((r) => r.job.reconstructed === reconstructed).map((r) => r[key]);
      return tf.div(tf.addN(xs), xs.length) as tf.Scalar;
    };
    const direct = { rgb: avg(false, 'rgb'), depth: avg(false, 'depth') };
    return this.decoder === null
      ? direct
      : { ...direct, rgbAdj: avg(true, 'rgb'), depthAdj: avg(true, 'depth') };
  }

  volume(volumes: tf.Tensor5D, t: number): tf.Tensor4D {
    return tf.squeeze(tf.slice(volumes, [t, 0, 0, 0, 0], [1, -1, -1, -1, -1]), [0]) as tf.Tensor4D;
  }

  /**
   * Renders ray chunks from the directly encoded, unmasked volume of frame `t` (evaluation mode): the volume is
   * encoded once, each chunk is rendered and read back before the next.
   */
  renderFrame(
    sample: Mim4dSample,
    t: number,
    chunks: RayBatch[],
    rng: SeededRandom,
  ): { rgb: Float32Array; depth: Float32Array }[] {
    // Filled inside tidy but not returned from it: tidy walks returned typed arrays element by element.
    const rendered: { rgb: Float32Array; depth: Float32Array }[] = [];
    tf.tidy(() => {
      const volume = this.volume(this.encode(sample, this.encodingPlan(sample, null), false, null), t);
      for (const rays of chunks) {
        tf.tidy(() => {
          const out: Rendered = renderRays(this.config, this.field, volume, rays, rng);
          rendered.push({
            rgb: out.rgb.dataSync() as Float32Array,
            depth: out.depth.dataSync() as Float32Array,
          });
        });
      }
    });
    return rendered;
  }

  dispose(): void {
    this.params.dispose();
  }
}
