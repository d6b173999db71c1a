/**
 * BEVFusion's GT map masks of a split's samples, rasterised from the dataroot's map expansion at each sample's
 * lidar pose (`ego2global · lidar2ego` in float32, as BEVFusion builds it) on a model's grid, written as the
 * directory of `.npy` masks the scorer reads.
 */
import {
  BEV_MAP_CLASSES,
  type BevGrid,
  bevFusionLidarToGlobal,
  bevSegmentationMasks,
  lidarFrame,
  type NuScenes,
} from '@mim4d/dataset';
import { SampleMaps } from '@mim4d/finetune';
import { InputError } from '../cli/shared/exit-codes.ts';
import { NpyFolderWriter } from './npy-folder.ts';

/** Writes `<dir>/tokens.json` and `<dir>/<token>.npy` ([6, X, Y] uint8); returns the masks of `keep`'s tokens. */
export async function writeDatasetMasks(
  nusc: NuScenes,
  tokens: readonly string[],
  grid: BevGrid,
  dir: string,
  keep: ReadonlySet<string> = new Set(),
): Promise<Map<string, Uint8Array>> {
  const maps = new SampleMaps(nusc);
  const kept = new Map<string, Uint8Array>();
  const writer = await NpyFolderWriter.open(dir);
  try {
    for (const token of tokens) {
      let data: Uint8Array;
      let shape: number[];
      try {
        const lidar = lidarFrame(nusc, token);
        const masks = bevSegmentationMasks(
          await maps.of(token),
          bevFusionLidarToGlobal(lidar.sensorToEgo, lidar.egoToGlobal),
          grid,
        );
        data = masks.data;
        shape = [BEV_MAP_CLASSES.length, masks.sizeX, masks.sizeY];
      } catch (err) {
        throw new InputError(`sample ${token}: ground truth masks: ${(err as Error).message}`);
      }
      await writer.add(token, '|u1', shape, data);
      if (keep.has(token)) kept.set(token, data);
    }
    await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return kept;
}
