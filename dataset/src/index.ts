export * from './geometry/index.ts';
export * from './images/index.ts';
export * from './map/bev-masks.ts';
export * from './map/expansion-types.ts';
export * from './map/expansion-validate.ts';
export * from './map/map-expansion.ts';
export * from './map/map-patch.ts';
export * from './map/maptr-vectors.ts';
export * from './nuscenes/index.ts';
// Token is also declared by map/expansion-types.ts; both are the same string key, this names the one exported.
export type { Token } from './nuscenes/tables.ts';
export {
  type RoutePose,
  routeLengthM,
  type SceneRoute,
  sceneRoutes,
  yawChange,
} from './preview/ego-route.ts';
export * from './splits/index.ts';
export * from './synth/index.ts';
