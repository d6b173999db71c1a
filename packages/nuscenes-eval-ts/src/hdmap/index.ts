export { averagePrecisionArea, type PrecisionRecall, precisionRecall } from './average-precision.ts';
export { ChamferScorer } from './chamfer.ts';
export { type ChamferConfig, MAPTR_CHAMFER_CONFIG, MAPTR_CLASSES } from './config.ts';
export type {
  ChamferCurve,
  ChamferResult,
  LidarPolylineM,
  MapSample,
  MapVectorGT,
  MapVectorPrediction,
} from './data-classes.ts';
export { lidarPolyline } from './data-classes.ts';
export { MapInputError } from './errors.ts';
export { ChamferEvaluator, evaluateChamfer } from './evaluate.ts';
export { evaluateChamferFiles } from './evaluate-files.ts';
export { loadMapGroundTruth, type MapGroundTruth, type PairingOptions, streamMapResults } from './loaders.ts';
export { resamplePolyline } from './resample.ts';
