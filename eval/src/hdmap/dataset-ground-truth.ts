/**
 * MapTR GT vectors of a nuScenes split, built from the dataroot's map expansion with @mim4d/dataset
 * (eval-protocols.md B2): per sample, the lidar pose `ego2global · lidar2ego` and the map of its log.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  lidarFrame,
  MAPTR_PATCH_SIZE,
  MapExpansion,
  type MapTrPatchSize,
  mapTrGtVectors,
  mapTrLidarToGlobal,
} from '@mim4d/dataset';
import { lidarPolyline, type MapGroundTruth } from 'nuscenes-eval-ts';
import { InputError } from '../cli/shared/exit-codes.ts';
import { type DatasetSplit, openDatasetSplit } from '../dataset-split.ts';

/**
 * GT vectors by sample token, in the sample table's order, for the samples of the split, in MapTR's patch or (a
 * scaled head's) `size`.
 */
export async function loadDatasetMapGroundTruth(
  spec: DatasetSplit,
  size: MapTrPatchSize = MAPTR_PATCH_SIZE,
): Promise<MapGroundTruth> {
  const { nusc, samples } = await openDatasetSplit(spec);
  const maps = new Map<string, MapExpansion>();
  const gt: MapGroundTruth = new Map();
  for (const sample of samples) {
    const scene = nusc.get('scene', sample.scene_token);
    try {
      const location = nusc.get('log', scene.log_token).location;
      let map = maps.get(location);
      if (!map) {
        map = await MapExpansion.load(spec.dataroot, location);
        maps.set(location, map);
      }
      const lidar = lidarFrame(nusc, sample.token);
      const lidarToGlobal = mapTrLidarToGlobal(lidar.sensorToEgo, lidar.egoToGlobal);
      gt.set(
        sample.token,
        mapTrGtVectors(map, lidarToGlobal, size).map((v) => ({
          classId: v.type,
          pts: lidarPolyline(Float64Array.from(v.pts.flat())),
        })),
      );
    } catch (err) {
      throw new InputError(`sample ${sample.token}: ${(err as Error).message}`);
    }
  }
  return gt;
}

/** Writes GT vectors as a MapTR GT file `{GTs: [{sample_token, vectors: [{pts, type}]}]}`, the form `mim4d-zoo benchmark gt` installs. */
export async function writeMapGroundTruth(gt: MapGroundTruth, file: string): Promise<void> {
  const GTs = [...gt].map(([token, vectors]) => ({
    sample_token: token,
    vectors: vectors.map((v) => ({
      pts: Array.from({ length: v.pts.length / 2 }, (_, i) => [v.pts[2 * i], v.pts[2 * i + 1]]),
      type: v.classId,
    })),
  }));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ GTs }));
}
