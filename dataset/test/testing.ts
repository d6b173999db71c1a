/** The fixtures @mim4d/dataset's tests share with the packages downstream, imported as `@mim4d/dataset/testing`. */
export * from './helpers/tiny-dataroot.ts';
export * from './map/toy-map.ts';
