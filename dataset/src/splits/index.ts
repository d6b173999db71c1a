export {
  MINI_SPLITS,
  readSplitFile,
  SPLIT_NAMES,
  type SplitFile,
  type SplitName,
  splitSceneNames,
} from './scene-splits.ts';
export { type SplitSamples, splitSamples } from './split-samples.ts';
