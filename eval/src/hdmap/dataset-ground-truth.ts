/**
 * MapTR GT vectors of a nuScenes split, built from the dataroot's map expansion with @mim4d/dataset
 * (eval-protocols.md B2): per sample, the lidar pose `ego2global · lidar2ego` and the map of its log.
 */
import {
  lidarFrame,
  MapExpansion,
  mapTrGtVectors,
  NuScenes,
  readSplitFile,
  splitSceneNames,
} from '@mim4d/dataset';
import { lidarPolyline, type MapGroundTruth } from 'nuscenes-eval-ts';
import { InputError } from '../cli/shared/exit-codes.ts';

export interface MapDatasetSplit {
  dataroot: string;
  version: string;
  split: string;
  /** JSON `{split: [scene names]}` for splits the dataset package does not bundle. */
  splitFile?: string;
}

/** GT vectors by sample token, in the sample table's order, for the samples of the split. */
export async function loadDatasetMapGroundTruth(spec: MapDatasetSplit): Promise<MapGroundTruth> {
  let nusc: NuScenes;
  let sceneNames: readonly string[];
  try {
    const splitFile = spec.splitFile ? await readSplitFile(spec.splitFile) : undefined;
    sceneNames = splitSceneNames(spec.split, splitFile, spec.splitFile);
    nusc = await NuScenes.open(spec.dataroot, spec.version);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  const inSplit = new Set(sceneNames);
  const maps = new Map<string, MapExpansion>();
  const gt: MapGroundTruth = new Map();
  for (const sample of nusc.tables.sample) {
    const scene = nusc.get('scene', sample.scene_token);
    if (!inSplit.has(scene.name)) continue;
    try {
      const location = nusc.get('log', scene.log_token).location;
      let map = maps.get(location);
      if (!map) {
        map = await MapExpansion.load(spec.dataroot, location);
        maps.set(location, map);
      }
      const lidar = lidarFrame(nusc, sample.token);
      const lidarToGlobal = lidar.sensorToEgo.andThen(lidar.egoToGlobal).toMatrix();
      gt.set(
        sample.token,
        mapTrGtVectors(map, lidarToGlobal).map((v) => ({
          classId: v.type,
          pts: lidarPolyline(Float64Array.from(v.pts.flat())),
        })),
      );
    } catch (err) {
      throw new InputError(`sample ${sample.token}: ${(err as Error).message}`);
    }
  }
  if (gt.size === 0)
    throw new InputError(`split ${spec.split} of ${spec.version} has no samples under ${spec.dataroot}`);
  return gt;
}
