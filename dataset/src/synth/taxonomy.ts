import type { AgentKind, AgentState } from './agents.ts';

/** The 23 nuScenes v1.0 object categories, so the category table matches the official one name for name. */
export const NUSCENES_CATEGORIES: readonly { name: string; description: string }[] = [
  { name: 'human.pedestrian.adult', description: 'Adult subcategory.' },
  { name: 'human.pedestrian.child', description: 'Child subcategory.' },
  { name: 'human.pedestrian.wheelchair', description: 'Wheelchairs.' },
  { name: 'human.pedestrian.stroller', description: 'Strollers.' },
  { name: 'human.pedestrian.personal_mobility', description: 'Small electric or self-propelled vehicles.' },
  { name: 'human.pedestrian.police_officer', description: 'Police officer.' },
  { name: 'human.pedestrian.construction_worker', description: 'Construction worker.' },
  { name: 'animal', description: 'All animals.' },
  { name: 'vehicle.car', description: 'Vehicle designed primarily for personal use.' },
  { name: 'vehicle.motorcycle', description: 'Gasoline or electric powered 2-wheeled vehicle.' },
  { name: 'vehicle.bicycle', description: 'Human or electric powered 2-wheeled vehicle.' },
  { name: 'vehicle.bus.bendy', description: 'Bendy bus subcategory.' },
  { name: 'vehicle.bus.rigid', description: 'Rigid bus subcategory.' },
  { name: 'vehicle.truck', description: 'Vehicles primarily designed to haul cargo.' },
  { name: 'vehicle.construction', description: 'Vehicles primarily designed for construction.' },
  { name: 'vehicle.emergency.ambulance', description: 'All types of ambulances.' },
  { name: 'vehicle.emergency.police', description: 'All types of police vehicles.' },
  { name: 'vehicle.trailer', description: 'Any vehicle trailer.' },
  { name: 'movable_object.barrier', description: 'Temporary road barrier to redirect traffic.' },
  { name: 'movable_object.trafficcone', description: 'All types of traffic cones.' },
  { name: 'movable_object.pushable_pullable', description: 'Objects that a pedestrian may push or pull.' },
  { name: 'movable_object.debris', description: 'Movable object that is left on the driveable surface.' },
  { name: 'static_object.bicycle_rack', description: 'Area or device intended to park or secure bicycles.' },
];

/** The 8 nuScenes attributes. */
export const NUSCENES_ATTRIBUTES: readonly { name: string; description: string }[] = [
  { name: 'vehicle.moving', description: 'Vehicle is moving.' },
  { name: 'vehicle.stopped', description: 'Vehicle, with a driver/rider in/on it, is currently stationary.' },
  {
    name: 'vehicle.parked',
    description: 'Vehicle is stationary (usually for longer duration) with no immediate intent to move.',
  },
  { name: 'cycle.with_rider', description: 'There is a rider on the bicycle or motorcycle.' },
  { name: 'cycle.without_rider', description: 'There is NO rider on the bicycle or motorcycle.' },
  { name: 'pedestrian.sitting_lying_down', description: 'The human is sitting or lying down.' },
  { name: 'pedestrian.standing', description: 'The human is standing.' },
  { name: 'pedestrian.moving', description: 'The human is moving.' },
];

/** nuScenes visibility bins; tokens are '1'..'4' as in the official table. */
export const NUSCENES_VISIBILITY: readonly {
  token: string;
  level: string;
  description: string;
  upTo: number;
}[] = [
  { token: '1', level: 'v0-40', description: 'visibility of whole object is between 0 and 40%', upTo: 0.4 },
  { token: '2', level: 'v40-60', description: 'visibility of whole object is between 40 and 60%', upTo: 0.6 },
  { token: '3', level: 'v60-80', description: 'visibility of whole object is between 60 and 80%', upTo: 0.8 },
  {
    token: '4',
    level: 'v80-100',
    description: 'visibility of whole object is between 80 and 100%',
    upTo: Infinity,
  },
];

/** The visibility token for a visible fraction in [0, 1]. */
export function visibilityToken(fraction: number): string {
  const bin = NUSCENES_VISIBILITY.find((v) => fraction < v.upTo) ?? NUSCENES_VISIBILITY[3];
  return bin.token;
}

/** The attribute an agent of `kind` doing `state` carries, or null for classes without attributes. */
export function attributeName(kind: AgentKind, state: AgentState): string | null {
  switch (kind) {
    case 'car':
    case 'truck':
    case 'bus':
      if (state === 'moving') return 'vehicle.moving';
      if (state === 'stopped') return 'vehicle.stopped';
      return 'vehicle.parked';
    case 'pedestrian':
      return state === 'moving' ? 'pedestrian.moving' : 'pedestrian.standing';
    case 'cyclist':
      return 'cycle.with_rider';
    case 'bicycle':
      return 'cycle.without_rider';
    case 'cone':
    case 'barrier':
      return null;
  }
}
