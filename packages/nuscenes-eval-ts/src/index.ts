export * from './bevseg/index.ts';
export * from './detection/index.ts';
export * from './hdmap/index.ts';
export { LocatedInputError } from './json/located-input-error.ts';
export { pairwiseSum32, pairwiseSum64 } from './numeric/pairwise-sum.ts';
