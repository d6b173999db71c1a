export {
  BEV_SEG_PRESETS,
  type BevSegConfig,
  type GridBound,
  gridCells,
  loadBevSegConfig,
  validateBevSegConfig,
} from './config.ts';
export { BevSegmenter } from './model/bev-segmenter.ts';
export { type EgoBevGrid, type LidarCells, lidarCells, lidarGridSampler } from './model/grid-transform.ts';
