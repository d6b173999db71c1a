import type { DetectionName } from 'nuscenes-eval-ts';

// The ten class names are the metric package's (eval-protocols A3); the dataset only maps categories onto them.
export { DETECTION_NAMES, type DetectionName } from 'nuscenes-eval-ts';

const CATEGORY_TO_DETECTION: ReadonlyMap<string, DetectionName> = new Map([
  ['movable_object.barrier', 'barrier'],
  ['vehicle.bicycle', 'bicycle'],
  ['vehicle.bus.bendy', 'bus'],
  ['vehicle.bus.rigid', 'bus'],
  ['vehicle.car', 'car'],
  ['vehicle.construction', 'construction_vehicle'],
  ['vehicle.motorcycle', 'motorcycle'],
  ['human.pedestrian.adult', 'pedestrian'],
  ['human.pedestrian.child', 'pedestrian'],
  ['human.pedestrian.construction_worker', 'pedestrian'],
  ['human.pedestrian.police_officer', 'pedestrian'],
  ['movable_object.trafficcone', 'traffic_cone'],
  ['vehicle.trailer', 'trailer'],
  ['vehicle.truck', 'truck'],
]);

/** Detection class of a nuScenes category, or null for categories detection ignores (the devkit's mapping). */
export function categoryToDetectionName(category: string): DetectionName | null {
  return CATEGORY_TO_DETECTION.get(category) ?? null;
}

/** Category whose boxes drop bicycles and motorcycles parked in them from detection (eval-protocols A3). */
export const BICYCLE_RACK_CATEGORY = 'static_object.bicycle_rack';
