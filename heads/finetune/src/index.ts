export { checkBackboneFits } from './backbone/check-backbone-fits.ts';
export { type BackboneFile, readBackboneFile } from './backbone/read-backbone-file.ts';
export { type ResolveBackboneOptions, resolveBackbone } from './backbone/resolve-backbone.ts';
export type {
  BackboneKind,
  BackboneTensor,
  ResolvedBackbone,
  ZooSettings,
} from './backbone/resolved-backbone.ts';
export { formatTransferReport, type TransferReport, transferWeights } from './backbone/transfer-weights.ts';
export { type FinetuneSplitOptions, type FinetuneSplits, openFinetuneSplits } from './data/finetune-splits.ts';
