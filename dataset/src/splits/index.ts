export {
  MINI_SPLITS,
  OFFICIAL_SPLITS,
  readSplitFile,
  SPLIT_NAMES,
  type SplitFile,
  type SplitName,
  splitSceneNames,
  splitVersionMismatch,
} from './scene-splits.ts';
export { type SplitSamples, splitSamples } from './split-samples.ts';
