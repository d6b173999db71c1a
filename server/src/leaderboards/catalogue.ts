/**
 * The benchmarks a fresh server offers and their baseline rows. Numbers come from docs/design/mim4d-method.md §3,
 * written as the evaluator's fractions (README 32.6 NDS is 0.326). No HD-map or BEV-segmentation baselines are
 * seeded: the spec could not find per-benchmark numbers (only deltas against unnamed baselines).
 */
import type { Benchmark, LeaderboardRow, MetricSpec } from './benchmark.ts';

const fraction = (key: string, description: string, higherIsBetter = true): MetricSpec => ({
  key,
  description,
  higherIsBetter,
  unit: 'fraction',
});
const error = (key: string, description: string, unit: MetricSpec['unit']): MetricSpec => ({
  key,
  description,
  higherIsBetter: false,
  unit,
});

const NUSCENES_VAL = { name: 'nuScenes', version: 'v1.0-trainval', split: 'val' };

export const BENCHMARKS: readonly Benchmark[] = [
  {
    id: 'nuscenes-detection@v1',
    title: 'nuScenes 3D object detection (val)',
    task: 'detection',
    dataset: NUSCENES_VAL,
    metrics: [
      fraction('NDS', 'nuScenes detection score'),
      fraction('mAP', 'mean average precision over 10 classes and 4 centre-distance thresholds'),
      error('mATE', 'mean translation error', 'metres'),
      error('mASE', 'mean scale error (1 - IoU)', 'fraction'),
      error('mAOE', 'mean orientation error', 'radians'),
      error('mAVE', 'mean velocity error', 'metres-per-second'),
      error('mAAE', 'mean attribute error (1 - accuracy)', 'fraction'),
    ],
    primaryMetric: 'NDS',
    groundTruth: 'nuScenes val boxes in evaluation form (sample_token -> boxes), detection CVPR 2019 config',
  },
  {
    id: 'nuscenes-hdmap@v1',
    title: 'nuScenes HD-map construction (val, MapTR chamfer AP)',
    task: 'hdmap',
    dataset: NUSCENES_VAL,
    metrics: [
      fraction('mAP', 'mean chamfer AP over divider, ped_crossing, boundary at 0.5/1.0/1.5 m'),
      fraction('divider_AP', 'chamfer AP of lane dividers'),
      fraction('ped_crossing_AP', 'chamfer AP of pedestrian crossings'),
      fraction('boundary_AP', 'chamfer AP of road boundaries'),
    ],
    primaryMetric: 'mAP',
    groundTruth: 'MapTR-style vectorised map GT of nuScenes val (60 m x 30 m)',
  },
  {
    id: 'nuscenes-bev-seg@v1',
    title: 'nuScenes BEV map segmentation (val, BEVFusion IoU)',
    task: 'bev-seg',
    dataset: NUSCENES_VAL,
    metrics: [fraction('mIoU', 'mean over 6 map classes of the best IoU across thresholds')],
    primaryMetric: 'mIoU',
    groundTruth: 'BEVFusion map masks of nuScenes val (6 classes, 200 x 200)',
  },
];

const MIM4D_README = { source: 'hustvl/MIM4D README', sourceUrl: 'https://github.com/hustvl/MIM4D' };
const UNIPAD_README = {
  source: 'Nightmare-n/UniPAD README',
  sourceUrl: 'https://github.com/Nightmare-n/UniPAD',
};
/** When the numbers were read from the READMEs for the spec. */
const READ_ON = '2026-11-24';

const baseline = (
  id: string,
  name: string,
  nds: number,
  mAP: number,
  origin: { source: string; sourceUrl: string },
): LeaderboardRow => ({
  id,
  benchmark: 'nuscenes-detection@v1',
  name,
  metrics: { NDS: nds, mAP },
  status: 'baseline',
  provenance: { ...origin, date: READ_ON },
});

export const BASELINE_ROWS: readonly LeaderboardRow[] = [
  baseline('base_mim4d_vs0.1', 'UVTR-S + MIM4D, voxel 0.1 (uvtrs_mim4d_vs0.1)', 0.326, 0.323, MIM4D_README),
  baseline(
    'base_mim4d_vs0.075',
    'UVTR-S + MIM4D, voxel 0.075 (uvtrs_mim4d_vs0.075)',
    0.47,
    0.414,
    MIM4D_README,
  ),
  baseline('base_unipad_c_vs0.1', 'UniPAD_C, voxel 0.1 (ablation setting)', 0.329, 0.326, UNIPAD_README),
  baseline('base_unipad_c_vs0.075', 'UniPAD_C, voxel 0.075 (val)', 0.474, 0.415, UNIPAD_README),
];
