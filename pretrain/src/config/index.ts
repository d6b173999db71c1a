export {
  checkOptimAndEvaluation,
  checkStructure,
  configRule,
  loadConfig,
  loadPresetOrFile,
  validateConfig,
  withPretrainObjective,
} from './load.ts';
export { micro, PRESETS, paper, tiny } from './presets.ts';
export {
  type GridShape,
  gridShape,
  type Mim4dConfig,
  PRETRAIN_OBJECTIVES,
  type PretrainObjective,
  sceneScale,
} from './types.ts';
