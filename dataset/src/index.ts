export * from './map/expansion-types.ts';
