export {
  checkOptimAndEvaluation,
  checkStructure,
  configRule,
  loadConfig,
  loadPresetOrFile,
  validateConfig,
} from './load.ts';
export { micro, PRESETS, paper, tiny } from './presets.ts';
export { type GridShape, gridShape, type Mim4dConfig, sceneScale } from './types.ts';
