import { MAPTR_CLASSES, type Mat4 } from '@mim4d/dataset';
import { BevBridge, type EgoBevGrid, type LidarCells, lidarCells, lidarGridSampler } from '@mim4d/finetune';
import { applyFixedSampler, ParamStore, type SeededRandom, tf } from '@mim4d/nn';
import { BACKBONE_MODULES, type FrameInput, Mim4dBackbone, PatchMask } from '@mim4d/pretrain';
import type { HdMapConfig } from '../config.ts';
import type { HdMapLayerOutput } from '../loss.ts';
import { MapTrHead } from './maptr-head.ts';

/**
 * MapTR on the MIM4D backbone (heads.md section 3): the backbone lifts one frame's cameras into its ego-frame voxel
 * grid (`lifted_features`), the bridge turns the volume into an ego BEV, which is resampled onto the lidar-frame
 * MapTR grid (each cell centre through `lidar_to_ego`, bilinear), and MapTR's head decodes vectors from it.
 * Parameters are named as in MapTR's checkpoints, the bridge under `pts_bbox_head.transformer.encoder`.
 */
export class HdMapModel {
  readonly params: ParamStore;
  readonly backbone: Mim4dBackbone;
  readonly bridge: BevBridge;
  readonly head: MapTrHead;
  /** The MapTR BEV's cell centres in the lidar frame. */
  readonly cells: LidarCells;
  /** The bridge's output: the volume's x-y grid in the frame ego. */
  readonly bev: EgoBevGrid;

  constructor(readonly config: HdMapConfig) {
    this.params = new ParamStore(config.seed);
    this.backbone = new Mim4dBackbone(this.params, config.backbone);
    const grid = this.backbone.grid;
    const h = config.head;
    this.bridge = new BevBridge(
      this.params.scope('pts_bbox_head.transformer.encoder'),
      config.backbone.neck.channels,
      grid.z,
      h.dims,
    );
    this.head = new MapTrHead(this.params.scope('pts_bbox_head'), h, MAPTR_CLASSES.length);
    this.cells = lidarCells(h.xBound, h.yBound);
    this.bev = { x: grid.x, y: grid.y, min: grid.min, size: grid.size };
  }

  isBackboneParam(name: string): boolean {
    return (BACKBONE_MODULES as readonly string[]).includes(name.split('.')[0]);
  }

  /**
   * images [N, H, W, 3] RGB in [0, 1] at the network size; `frame` their ego -> image matrices; `lidarToEgo` places
   * the patch in the frame ego. `rng` non-null is training: BatchNorm on batch statistics, dropout and stochastic
   * depth. Returns every decoder layer's logits [V, 3] (MAPTR_CLASSES order) and points [V, P, 2] normalised to
   * the patch.
   */
  forward(
    images: Float32Array,
    frame: FrameInput,
    lidarToEgo: Mat4<'lidar', 'ego'>,
    rng: SeededRandom | null,
  ): HdMapLayerOutput[] {
    const { cameras: N, imageHeight: H, imageWidth: W } = this.config.backbone.input;
    const mask = PatchMask.none(N, H, W, this.config.backbone.mask.patchSize);
    const { volumes } = this.backbone.lift(images, mask, [this.backbone.planLifting(frame)], rng);
    const bev = this.bridge.apply(volumes, rng !== null);
    const sampler = lidarGridSampler(lidarToEgo, this.cells, this.bev);
    const table = applyFixedSampler(tf.reshape(bev, [-1, this.config.head.dims]) as tf.Tensor2D, sampler);
    return this.head.decode({ table, cellsX: this.cells.cellsX, cellsY: this.cells.cellsY }, rng);
  }

  dispose(): void {
    this.params.dispose();
  }
}
