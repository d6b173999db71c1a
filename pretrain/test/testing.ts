/** The fixtures @mim4d/pretrain's tests share with the packages downstream, imported as `@mim4d/pretrain/testing`. */

export * from './helpers/toy-samples.ts';
export * from './helpers/toy-scene.ts';
