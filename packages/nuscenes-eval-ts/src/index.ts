export * from './detection/index.ts';
export * from './hdmap/index.ts';
export * from './bevseg/index.ts';
export { pairwiseSum32, pairwiseSum64 } from './numeric/pairwise-sum.ts';
