/** The fixtures @mim4d/nn's tests share with the packages downstream, imported as `@mim4d/nn/testing`. */
export * from './kernels/backends.ts';
