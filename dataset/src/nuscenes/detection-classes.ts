/** The ten nuScenes detection classes (eval-protocols A3). */
export const DETECTION_NAMES = [
  'car',
  'truck',
  'bus',
  'trailer',
  'construction_vehicle',
  'pedestrian',
  'motorcycle',
  'bicycle',
  'traffic_cone',
  'barrier',
] as const;

export type DetectionName = (typeof DETECTION_NAMES)[number];

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
