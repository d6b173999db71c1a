import { gridShape, type Mim4dConfig } from '../config/index.ts';

/**
 * The voxel grid of one frame, in that frame's ego frame. Voxel index i on an axis stands for the metric point
 * min + i * size (UVTR samples voxel corners, `arange(min, max, size)`); volumes are stored [Z, Y, X, C].
 */
export class VoxelGrid {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly min: [number, number, number];
  readonly size: [number, number, number];

  constructor(config: Mim4dConfig) {
    const s = gridShape(config);
    this.x = s.x;
    this.y = s.y;
    this.z = s.z;
    const r = config.grid.pcRange;
    this.min = [r[0], r[1], r[2]];
    this.size = [...config.grid.voxelSize];
  }

  get cells(): number {
    return this.x * this.y * this.z;
  }

  /** Sampling dims fastest axis first, as gridSample expects. */
  get dims(): [number, number, number] {
    return [this.x, this.y, this.z];
  }

  flatIndex(ix: number, iy: number, iz: number): number {
    return (iz * this.y + iy) * this.x + ix;
  }

  /** Metric ego coordinates (metres) of voxel index (fractional allowed). */
  indexToMetric(ix: number, iy: number, iz: number): [number, number, number] {
    return [
      this.min[0] + ix * this.size[0],
      this.min[1] + iy * this.size[1],
      this.min[2] + iz * this.size[2],
    ];
  }

  metricToIndex(px: number, py: number, pz: number): [number, number, number] {
    return [
      (px - this.min[0]) / this.size[0],
      (py - this.min[1]) / this.size[1],
      (pz - this.min[2]) / this.size[2],
    ];
  }
}
