export * from './geometry/index.ts';
export * from './map/expansion-types.ts';
