/** The fixtures @mim4d/server's tests share with the benchmarks, imported as `@mim4d/server/testing`. */
export * from './helpers/test-s3.ts';
