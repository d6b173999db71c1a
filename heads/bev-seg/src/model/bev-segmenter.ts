import { BEV_MAP_CLASSES, type Mat4 } from '@mim4d/dataset';
import { BevBridge, type EgoBevGrid, type LidarCells, lidarCells, lidarGridSampler } from '@mim4d/finetune';
import { ParamStore, type SeededRandom, type tf } from '@mim4d/nn';
import { BACKBONE_MODULES, type FrameInput, Mim4dBackbone, PatchMask } from '@mim4d/pretrain';
import type { BevSegConfig } from '../config.ts';
import { GeneralizedResNet } from './generalized-resnet.ts';
import { LssFpn } from './lss-fpn.ts';
import { BevSegmentationHead } from './segmentation-head.ts';

/**
 * BEVFusion's camera map-segmentation model on the MIM4D backbone (heads.md section 2): the backbone lifts one
 * frame's cameras into its ego-frame voxel grid (`lifted_features`, before render_conv), the bridge turns the volume
 * into a BEV map, GeneralizedResNet + LSSFPN decode it, and the head resamples it onto the lidar-frame output grid
 * and classifies each cell. Parameters are named as in BEVFusion's checkpoints, the bridge under
 * `encoders.camera.vtransform.bridge`.
 */
export class BevSegmenter {
  readonly params: ParamStore;
  readonly backbone: Mim4dBackbone;
  readonly bridge: BevBridge;
  readonly decoder: GeneralizedResNet;
  readonly neck: LssFpn;
  readonly head: BevSegmentationHead;
  readonly cells: LidarCells;
  /** The decoder's output: the volume's x-y grid. */
  readonly bev: EgoBevGrid;

  constructor(readonly config: BevSegConfig) {
    this.params = new ParamStore(config.seed);
    this.backbone = new Mim4dBackbone(this.params, config.backbone);
    const h = config.head;
    const grid = this.backbone.grid;
    this.bridge = new BevBridge(
      this.params.scope('encoders.camera.vtransform'),
      config.backbone.neck.channels,
      grid.z,
      h.bevChannels,
    );
    this.decoder = new GeneralizedResNet(
      this.params.scope('decoder.backbone'),
      h.bevChannels,
      h.stageChannels.map((channels, s) => ({
        blocks: h.stageBlocks[s],
        channels,
        stride: h.stageStrides[s],
      })),
    );
    this.neck = new LssFpn(
      this.params.scope('decoder.neck'),
      h.stageChannels[h.stageChannels.length - 1],
      h.stageChannels[0],
      h.fpnChannels,
      h.fpnScale,
    );
    this.head = new BevSegmentationHead(
      this.params.scope('heads.map'),
      h.fpnChannels,
      BEV_MAP_CLASSES.length,
    );
    this.cells = lidarCells(h.xBound, h.yBound);
    this.bev = { x: grid.x, y: grid.y, min: grid.min, size: grid.size };
  }

  isBackboneParam(name: string): boolean {
    return (BACKBONE_MODULES as readonly string[]).includes(name.split('.')[0]);
  }

  /**
   * images [N, H, W, 3] RGB in [0, 1] at the network size; `frame` their ego -> image matrices (augmented in
   * training); `lidarToEgo` places the output grid in the frame ego. `rng` non-null is training: BatchNorm on batch
   * statistics and stochastic depth. Returns logits [cellsX * cellsY, 6], row i·cellsY + j, classes in
   * BEV_MAP_CLASSES order.
   */
  forward(
    images: Float32Array,
    frame: FrameInput,
    lidarToEgo: Mat4<'lidar', 'ego'>,
    rng: SeededRandom | null,
  ): tf.Tensor2D {
    const training = rng !== null;
    const { cameras: N, imageHeight: H, imageWidth: W } = this.config.backbone.input;
    const mask = PatchMask.none(N, H, W, this.config.backbone.mask.patchSize);
    const { volumes } = this.backbone.lift(images, mask, [this.backbone.planLifting(frame)], rng);
    const bev = this.neck.apply(this.decoder.apply(this.bridge.apply(volumes, training), training), training);
    const sampler = lidarGridSampler(lidarToEgo, this.cells, this.bev);
    return this.head.apply(bev, sampler, this.cells, training);
  }

  dispose(): void {
    this.params.dispose();
  }
}
