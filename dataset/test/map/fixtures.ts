import { readFileSync } from 'node:fs';
import { RigidTransform } from '../../src/geometry/rigid-transform.ts';
import { validateMapExpansion } from '../../src/map/expansion-validate.ts';
import { MapExpansion } from '../../src/map/map-expansion.ts';
import { mapTrLidarToGlobal } from '../../src/map/maptr-vectors.ts';
import { TOY_LOCATION, TOY_POSES, toyMapJson } from './toy-map.ts';

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function toyMap(): MapExpansion {
  return new MapExpansion(TOY_LOCATION, validateMapExpansion(toyMapJson(), 'toy-map.json'), 'toy-map.json');
}

export function toyPose(k: number) {
  const p = TOY_POSES[k];
  const lidarToEgo = RigidTransform.fromRecord<'lidar', 'ego'>(p.lidar2ego, 'lidar2ego');
  const egoToGlobal = RigidTransform.fromRecord<'ego', 'global'>(p.ego2global, 'ego2global');
  return { lidarToEgo, egoToGlobal, lidarToGlobal: mapTrLidarToGlobal(lidarToEgo, egoToGlobal) };
}
