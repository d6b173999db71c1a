/**
 * A tiny nuScenes dataroot (dataset's test builder) with boxes placed to exercise every GT filter, and a
 * submission for its mini_train split. Shared by the dataroot test and make-dataroot-fixture.ts.
 */

import { DEFAULT_SPEC, sampleToken, type TinyDatasetSpec } from '@mim4d/dataset/testing';
import type { DetectionBoxJson } from 'nuscenes-eval-ts';

export const VERSION = 'v1.0-mini';
export const SPLIT = 'mini_train';
const SCENE = 'scene-0061';

export const SPEC: TinyDatasetSpec = {
  ...DEFAULT_SPEC,
  version: VERSION,
  instances: [
    ...DEFAULT_SPEC.instances,
    {
      // Centred in the sample-0 bike rack (108, 204, size 2 x 5): dropped from GT.
      scene: SCENE,
      category: 'vehicle.bicycle',
      annotations: [{ sample: 0, translation: [108, 204.5, 0.5], numLidarPts: 4 }],
    },
    {
      // 55 m from the ego: beyond the car range of 50 m.
      scene: SCENE,
      category: 'vehicle.car',
      annotations: [
        { sample: 0, translation: [155, 200, 1], numLidarPts: 5, attributes: ['vehicle.parked'] },
      ],
    },
    {
      scene: SCENE,
      category: 'human.pedestrian.adult',
      annotations: [
        { sample: 1, translation: [103, 199, 1], attributes: ['pedestrian.standing'] }, // no points: dropped
        { sample: 2, translation: [104, 199, 1], attributes: ['pedestrian.standing'], numLidarPts: 2 },
      ],
    },
    {
      scene: SCENE,
      category: 'movable_object.barrier',
      annotations: [
        { sample: 2, translation: [106, 203, 0.5], size: [2.5, 0.5, 1], yaw: 0.3, numLidarPts: 2 },
        { sample: 3, translation: [106, 207, 0.5], size: [2.5, 0.5, 1], yaw: 0.3, numRadarPts: 1 },
      ],
    },
  ],
};

function pred(
  sample: number,
  name: DetectionBoxJson['detection_name'],
  x: number,
  y: number,
  score: number,
  extra: Partial<DetectionBoxJson> = {},
): DetectionBoxJson {
  return {
    sample_token: sampleToken(SCENE, sample),
    translation: [x, y, 1],
    size: [1.8, 4.2, 1.5],
    rotation: [Math.cos(0.05), 0, 0, Math.sin(0.05)],
    velocity: [1.5, 0.2],
    detection_name: name,
    detection_score: score,
    attribute_name: '',
    ...extra,
  };
}

/** Predictions for the four samples of scene-0061, some of which the filters must remove. */
export function submission(): { meta: object; results: Record<string, DetectionBoxJson[]> } {
  const boxes = [
    pred(0, 'car', 110.3, 200.2, 0.9, { attribute_name: 'vehicle.moving' }),
    pred(0, 'car', 155.1, 200, 0.8), // beyond 50 m
    pred(0, 'bicycle', 108.2, 204.1, 0.7, { size: [0.6, 1.8, 1.2] }), // in the bike rack
    pred(0, 'pedestrian', 105.4, 195.1, 0.6, { size: [0.6, 0.7, 1.8], attribute_name: 'pedestrian.moving' }),
    pred(0, 'car', 101, 201, 0.5, { num_pts: 0 }), // explicit zero points
    pred(1, 'car', 111.2, 200.1, 0.85, { attribute_name: 'vehicle.moving' }),
    pred(1, 'bicycle', 90.4, 210.3, 0.4, { size: [0.6, 1.8, 1.2] }),
    pred(1, 'pedestrian', 103.2, 199.1, 0.3, { size: [0.6, 0.7, 1.8] }),
    pred(2, 'car', 113.5, 201.4, 0.75, { attribute_name: 'vehicle.parked' }),
    pred(2, 'barrier', 106.1, 203.05, 0.65, {
      size: [2.4, 0.6, 1],
      rotation: [Math.cos(0.15 + Math.PI / 2), 0, 0, Math.sin(0.15 + Math.PI / 2)],
    }),
    pred(2, 'pedestrian', 104.3, 199.2, 0.55, {
      size: [0.6, 0.7, 1.8],
      attribute_name: 'pedestrian.standing',
    }),
    pred(2, 'bicycle', 91.1, 209.8, 0.45, {
      size: [0.6, 1.8, 1.2],
      velocity: [Number.NaN, Number.NaN] as never,
    }),
    pred(3, 'bicycle', 95.3, 212.2, 0.5, { size: [0.6, 1.8, 1.2], attribute_name: 'cycle.without_rider' }),
    pred(3, 'barrier', 106.2, 207.1, 0.35, { size: [2.4, 0.6, 1] }),
    pred(3, 'traffic_cone', 99, 204, 0.2, { size: [0.4, 0.4, 1] }),
  ];
  const results: Record<string, DetectionBoxJson[]> = {};
  for (let s = 0; s < 4; s++) results[sampleToken(SCENE, s)] = [];
  for (const b of boxes) results[b.sample_token].push(b);
  return {
    meta: { use_lidar: true, use_camera: false, use_radar: false, use_map: false, use_external: false },
    results,
  };
}
