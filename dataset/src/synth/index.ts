export {
  ANNOTATION_RANGE,
  generateSynthDataset,
  type SynthProgress,
  type SynthSettings,
  type SynthSummary,
} from './generate.ts';
export { MINI_SCENES, resolveSynthOptions, SYNTH_DEFAULTS, type SynthOptions } from './options.ts';
