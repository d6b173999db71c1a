export { type ArraySet, type ArraySetItem, openArraySet } from './array-set.ts';
export { BEVFUSION_MAP_CLASSES, BEVFUSION_SEG_CONFIG, type SegmentationConfig } from './config.ts';
export type { SegmentationResult, SegmentationSample } from './data-classes.ts';
export { SegmentationEvaluator } from './evaluate.ts';
export { evaluateSegmentationFiles, type SegmentationFileOptions } from './evaluate-files.ts';
export { type NpyData, type NpyDtype, NpyError, NpyFile, type NpyHeader } from './npy.ts';
export { npyBytes, writeNpy } from './npy-writer.ts';
