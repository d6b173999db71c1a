import { ParamStore, type SeededRandom, tf } from '@mim4d/nn';
import { type FrameInput, Mim4dBackbone, PatchMask } from '@mim4d/pretrain';
import { DETECTION_HEAD_CLASSES } from '../classes.ts';
import type { DetectionConfig } from '../config.ts';
import { type LayerOutput, UvtrHead, VolumeTable } from './uvtr-head.ts';

/** Parameter prefixes of the backbone, whose learning rate is scaled by `optim.backboneLrMult`. */
const BACKBONE_PARAM = /^(img_backbone|img_neck|depth_net)\./;

/**
 * The UVTR detector: the MIM4D backbone lifts one frame's cameras into its ego-frame voxel grid
 * (`lifted_features`, before render_conv), and the UVTR head detects boxes in that frame.
 */
export class UvtrDetector {
  readonly params: ParamStore;
  readonly backbone: Mim4dBackbone;
  readonly head: UvtrHead;

  constructor(readonly config: DetectionConfig) {
    this.params = new ParamStore(config.seed);
    this.backbone = new Mim4dBackbone(this.params, config.backbone);
    this.head = new UvtrHead(
      this.params,
      config.head,
      config.backbone.neck.channels,
      DETECTION_HEAD_CLASSES.length,
    );
  }

  isBackboneParam(name: string): boolean {
    return BACKBONE_PARAM.test(name);
  }

  /**
   * images [N, H, W, 3] RGB in [0, 1] at the network size; `frame` their ego -> image matrices (augmented in
   * training). `rng` non-null is training: BatchNorm on batch statistics, dropout and stochastic depth.
   */
  forward(images: Float32Array, frame: FrameInput, rng: SeededRandom | null): LayerOutput[] {
    const { cameras: N, imageHeight: H, imageWidth: W } = this.config.backbone.input;
    const mask = PatchMask.none(N, H, W, this.config.backbone.mask.patchSize);
    const { volumes } = this.backbone.lift(images, mask, [this.backbone.planLifting(frame)], rng);
    const encoded = this.head.encodeVolume(volumes, rng !== null);
    const grid = this.backbone.grid;
    const table = tf.reshape(encoded, [grid.cells, this.config.head.dims]) as tf.Tensor2D;
    const volume = new VolumeTable(
      table,
      grid,
      this.config.backbone.grid.pcRange,
      this.config.backbone.grid.voxelSize,
    );
    return this.head.decode(volume, rng);
  }

  dispose(): void {
    this.params.dispose();
  }
}
