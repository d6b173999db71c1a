export * from './geometry/index.ts';
export * from './nuscenes/tables.ts';
export * from './map/expansion-types.ts';
