import type { ParamStore, SeededRandom } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';
import { DepthHead } from './depth-head.ts';
import { Fpn } from './fpn.ts';
import { type LevelLiftPlan, liftToVoxels, planLifting } from './lifting.ts';
import type { PatchMask } from './masking.ts';
import type { FrameInput } from './sample.ts';
import { SparseConvNeXt } from './sparse-convnext.ts';
import { VoxelGrid } from './voxel-grid.ts';

/** Parameter-name prefixes of the modules that transfer to the task heads (the released code's `load_from`). */
export const BACKBONE_MODULES = ['img_backbone', 'img_neck', 'depth_net'] as const;

/**
 * The camera backbone that pretraining and every task head share: sparse ConvNeXt -> FPN -> depth head -> UVTR
 * lifting of each frame into its own ego-frame voxel grid. Its parameters live under `img_backbone.`,
 * `img_neck.` and `depth_net.` of the given store, the names the pretraining checkpoint and exports use.
 */
export class Mim4dBackbone {
  readonly grid: VoxelGrid;
  readonly encoder: SparseConvNeXt;
  readonly neck: Fpn;
  readonly depthHead: DepthHead;

  constructor(
    params: ParamStore,
    readonly config: Mim4dConfig,
  ) {
    this.grid = new VoxelGrid(config);
    this.encoder = new SparseConvNeXt(params.scope('img_backbone'), config);
    this.neck = new Fpn(params.scope('img_neck'), config);
    this.depthHead = new DepthHead(params.scope('depth_net'), config, this.neck.levels());
  }

  /** Feature-level sizes [h, w] for the configured image size. */
  levelSizes(): [number, number][] {
    const { imageHeight: H, imageWidth: W } = this.config.input;
    const sizes: [number, number][] = this.config.neck.inStages.map((s) => {
      const stride = this.encoder.stride(s);
      return [H / stride, W / stride];
    });
    for (let e = 0; e < this.config.neck.extraLevels; e++) {
      const [h, w] = sizes[sizes.length - 1];
      sizes.push([Math.ceil(h / 2), Math.ceil(w / 2)]);
    }
    return sizes;
  }

  /** Host-side lifting geometry of one frame (its cameras' ego -> image matrices). */
  planLifting(frame: FrameInput): LevelLiftPlan[] {
    return planLifting(this.config, this.grid, frame, this.levelSizes());
  }

  /**
   * Images [frames * N, H, W, 3] (RGB in [0, 1], frame-major) -> per-frame lifted volumes [frames, Z, Y, X, C] and
   * the per-level depth distributions [frames * N, h, w, bins]. `rng` enables stochastic depth in the encoder.
   */
  lift(
    images: Float32Array,
    mask: PatchMask,
    lift: LevelLiftPlan[][],
    rng: SeededRandom | null,
  ): { volumes: tf.Tensor5D; depth: tf.Tensor4D[] } {
    const { cameras: N, imageHeight: H, imageWidth: W, mean, std } = this.config.input;
    const raw = tf.tensor4d(images, [lift.length * N, H, W, 3]);
    const normalised = tf.mul(tf.div(tf.sub(raw, tf.tensor1d(mean)), tf.tensor1d(std)), mask.atStride(1));
    const levels = this.neck.apply(this.encoder.apply(normalised as tf.Tensor4D, mask, rng));
    const depth = this.depthHead.apply(levels);
    const frameSlice = (x: tf.Tensor4D, t: number) => tf.slice(x, [t * N, 0, 0, 0], [N, -1, -1, -1]);
    const volumes = lift.map((plans, t) =>
      liftToVoxels(
        plans,
        levels.map((l) => frameSlice(l, t)),
        depth.map((d) => frameSlice(d, t)),
        this.grid,
      ),
    );
    return { volumes: tf.stack(volumes) as tf.Tensor5D, depth };
  }
}
