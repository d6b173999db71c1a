/**
 * A tiny dataroot and a detector export for `detection --model` tests. The "detector" is an ONNX graph that reads
 * a code painted into each sample's CAM_FRONT image (pixel (0, 0), red) and looks up that sample's boxes, so its
 * outputs depend on the images it is fed. The boxes are the dataroot's ground truth expressed in the frame ego
 * (or, for the wrong-frame variant, in the LIDAR_TOP frame), so a harness that feeds, decodes and places them
 * right scores AP 1 on every class present.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  detectionGroundTruth,
  NuScenes,
  Quaternion,
  type RigidTransform,
  sampleFrames,
  sampleGroundTruth,
  vec3,
} from '@mim4d/dataset';
import {
  DEFAULT_SPEC,
  sampleToken,
  type TinyDatasetSpec,
  writeTable,
  writeTinyDataroot,
} from '@mim4d/dataset/testing';
import { DETECTION_HEAD_CLASSES } from '@mim4d/head-detection';
import { attr, OnnxGraphBuilder } from '@mim4d/nn';
import type { DeclaredIo, ModelCard } from '@mim4d/zoo';
import { PNG } from 'pngjs';

export const VERSION = 'v1.0-mini';
export const SPLIT = 'mini_train';
const SCENE = 'scene-0061';
export const SAMPLES = 5;
export const IMAGE = { width: 32, height: 16 } as const;
export const QUERIES = 8;
export const LABELS = [...DETECTION_HEAD_CLASSES];
export const CAMERAS = [
  'CAM_FRONT',
  'CAM_FRONT_RIGHT',
  'CAM_FRONT_LEFT',
  'CAM_BACK',
  'CAM_BACK_LEFT',
  'CAM_BACK_RIGHT',
];
/** heads.md 1.4: the official 50/40/30 m halved. */
export const SCALED_RANGES: Record<string, number> = {
  car: 25,
  truck: 25,
  construction_vehicle: 25,
  bus: 25,
  trailer: 25,
  pedestrian: 20,
  motorcycle: 20,
  bicycle: 20,
  traffic_cone: 15,
  barrier: 15,
};
/** The classes with ground truth in range; the other six score AP 0. */
export const PRESENT = ['car', 'pedestrian', 'bicycle', 'barrier'];

/** Red value of sample i's code pixel; the graph maps it back to i. */
const CODE_STEP = 40;
const codeOf = (i: number) => CODE_STEP * (i + 1);

const samples = Array.from({ length: SAMPLES }, (_, i) => ({
  time: 0.5 * i,
  egoTranslation: [100 + i, 200 + 0.15 * i * i, 0] as [number, number, number],
  egoYaw: 0.15 * i * i,
}));

/**
 * Every box has points and no bike rack is near, so only the class ranges filter; attributes are those the
 * velocity rule gives (the tiny builder knows vehicle.moving/parked, cycle.with_rider and pedestrian.standing).
 */
export const SPEC: TinyDatasetSpec = {
  ...DEFAULT_SPEC,
  version: VERSION,
  cameraSweepsBetween: 0,
  leadingCameraSweeps: 0,
  imageWidth: IMAGE.width,
  imageHeight: IMAGE.height,
  scenes: [{ name: SCENE, samples }],
  instances: [
    {
      scene: SCENE,
      category: 'vehicle.car',
      annotations: samples.map((_, i) => ({
        sample: i,
        translation: [110 + i, 203, 1],
        yaw: 0.1,
        attributes: ['vehicle.moving'],
        numLidarPts: 10,
      })),
    },
    {
      scene: SCENE,
      category: 'vehicle.car',
      annotations: samples.map((_, i) => ({
        sample: i,
        translation: [95, 195, 1],
        yaw: 1,
        attributes: ['vehicle.parked'],
        numLidarPts: 4,
      })),
    },
    {
      // 29-30 m away: scored by the official 50 m car range, dropped by the card's 25 m.
      scene: SCENE,
      category: 'vehicle.car',
      annotations: [0, 1].map((i) => ({
        sample: i,
        translation: [130, 200, 1],
        attributes: ['vehicle.parked'],
        numLidarPts: 3,
      })),
    },
    {
      scene: SCENE,
      category: 'human.pedestrian.adult',
      annotations: samples.map((_, i) => ({
        sample: i,
        translation: [104, 197, 1],
        size: [0.6, 0.7, 1.8],
        yaw: Math.PI / 2,
        attributes: ['pedestrian.standing'],
        numLidarPts: 5,
      })),
    },
    {
      scene: SCENE,
      category: 'vehicle.bicycle',
      annotations: [1, 2, 3].map((i) => ({
        sample: i,
        translation: [98 + 0.5 * i, 206, 0.5],
        size: [0.6, 1.8, 1.2],
        yaw: -0.4,
        attributes: ['cycle.with_rider'],
        numLidarPts: 2,
      })),
    },
    {
      scene: SCENE,
      category: 'movable_object.barrier',
      annotations: samples.map((_, i) => ({
        sample: i,
        translation: [106, 194, 0.5],
        size: [2.5, 0.5, 1],
        yaw: 0.3,
        numLidarPts: 2,
      })),
    },
  ],
};

/** CAM_FRONT fires 0.4 m and 0.03 rad away from the LIDAR_TOP pose, so the frame ego is not the lidar's ego. */
const FRAME_EGO_SHIFT = { dx: 0.4, dy: -0.3, yaw: 0.03 };

function solidPng(red: number): Uint8Array {
  const png = new PNG({ width: IMAGE.width, height: IMAGE.height });
  for (let p = 0; p < IMAGE.width * IMAGE.height; p++) png.data.set([red, 90, 60, 255], 4 * p);
  return PNG.sync.write(png);
}

/** Writes the dataroot: the tiny builder's tables and images, then the camera pose shift and the code pixels. */
export async function writeDetectorDataroot(dataroot: string): Promise<void> {
  const { tables } = await writeTinyDataroot(dataroot, SPEC);
  for (const pose of tables.ego_pose) {
    if (!pose.token.startsWith(`ego:sd:CAM_FRONT:${SCENE}:`)) continue;
    const q = Quaternion.fromArray(pose.rotation);
    pose.rotation = Quaternion.fromYaw(FRAME_EGO_SHIFT.yaw).multiply(q).toArray();
    pose.translation = [
      pose.translation[0] + FRAME_EGO_SHIFT.dx,
      pose.translation[1] + FRAME_EGO_SHIFT.dy,
      0,
    ];
  }
  await writeTable(dataroot, VERSION, 'ego_pose', tables.ego_pose);
  for (const sd of tables.sample_data) {
    const sample = tables.sample.findIndex((s) => s.token === sd.sample_token);
    if (!sd.is_key_frame || !sd.filename.startsWith('samples/CAM_FRONT/')) continue;
    await writeFile(join(dataroot, sd.filename), solidPng(codeOf(sample)));
  }
}

type Frame = 'frame-ego' | 'lidar';

/** Per sample (split order), QUERIES x 10 box codes and QUERIES x LABELS scores placing the GT in `frame`. */
async function outputTables(dataroot: string, frame: Frame): Promise<{ scores: number[]; boxes: number[] }> {
  const nusc = await NuScenes.open(dataroot, VERSION);
  const scores: number[] = [];
  const boxes: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const token = sampleToken(SCENE, i);
    const frames = sampleFrames(nusc, token, { channels: ['CAM_FRONT'] });
    const toFrame: RigidTransform<'global', string> =
      frame === 'frame-ego'
        ? frames.cameras[0][0].egoToGlobal.inverse()
        : frames.lidar.sensorToEgo.andThen(frames.lidar.egoToGlobal).inverse();
    const gt = detectionGroundTruth(sampleGroundTruth(nusc, token).global);
    if (gt.length > QUERIES)
      throw new Error(`sample ${i} has ${gt.length} boxes, more than ${QUERIES} queries`);
    for (let q = 0; q < QUERIES; q++) {
      const box = gt[q];
      if (!box) {
        // An unused query: ranked just above the zero scores, so the card's top-k picks it rather than another
        // label of a real box, and placed beyond every class range, so decoding drops it.
        scores.push(0.001, ...new Array(LABELS.length - 1).fill(0));
        boxes.push(100, 100, 0, 1, 1, 1, 0, 1, 0, 0);
        continue;
      }
      const label = LABELS.indexOf(box.detectionName);
      scores.push(...LABELS.map((_, c) => (c === label ? 0.9 - 0.05 * q : 0)));
      const c = toFrame.apply(box.center as never);
      const yaw = toFrame.rotation.multiply(box.rotation.normalised()).yaw();
      const known = box.velocity.every(Number.isFinite);
      const v = toFrame.applyToDirection((known ? box.velocity : vec3(0, 0, 0)) as never);
      boxes.push(c[0], c[1], c[2], ...box.size, Math.sin(yaw), Math.cos(yaw), v[0], v[1]);
    }
  }
  return { scores, boxes };
}

export interface DetectorGraphOptions {
  frame?: Frame;
  /** Number of box-code entries the graph emits (10 for a detector). */
  boxCode?: number;
  /** A sample whose first box comes out as NaN, as from a diverged model. */
  nanSample?: number;
}

/** The graph and the I/O a card must declare for it. */
export async function detectorGraph(
  dataroot: string,
  options: DetectorGraphOptions = {},
): Promise<{ bytes: Uint8Array; io: DeclaredIo }> {
  const boxCode = options.boxCode ?? 10;
  const tables = await outputTables(dataroot, options.frame ?? 'frame-ego');
  if (options.nanSample !== undefined) tables.boxes[options.nanSample * QUERIES * 10] = Number.NaN;
  const n = CAMERAS.length;
  const { height: h, width: w } = IMAGE;
  const g = new OnnxGraphBuilder({ name: 'lookup-detector' });
  const images = g.input('images', 'float32', ['batch', n, h, w, 3]);
  g.input('ego_to_image', 'float32', ['batch', n, 4, 4]);
  // The red value of CAM_FRONT's pixel (0, 0), in [0, 1], per sample.
  const red = g.op('Reshape', [
    g.op('Slice', [images, g.int64s('start', [0, 0, 0, 0, 0]), g.int64s('end', [2 ** 31, 1, 1, 1, 1])]),
    g.int64s('flat', [-1]),
  ]);
  const scaled = g.op('Mul', [red, g.initializer('per_step', [255 / CODE_STEP], 'float32', [1])]);
  const index = g.op(
    'Cast',
    [g.op('Floor', [g.op('Sub', [scaled, g.initializer('half', [0.5], 'float32', [1])])])],
    {
      to: attr.dtype('int64'),
    },
  );
  const lookup = (name: string, values: number[], width: number) =>
    g.op('Gather', [g.initializer(name, values, 'float32', [SAMPLES, QUERIES, width]), index], {
      axis: attr.int(0),
    });
  const boxValues = boxCode === 10 ? tables.boxes : tables.boxes.filter((_, k) => k % 10 < boxCode);
  g.output(
    lookup('score_table', tables.scores, LABELS.length),
    'float32',
    ['batch', QUERIES, LABELS.length],
    'scores',
  );
  g.output(lookup('box_table', boxValues, boxCode), 'float32', ['batch', QUERIES, boxCode], 'boxes');
  return {
    bytes: g.toBytes(),
    io: {
      opset: 17,
      inputs: [
        { name: 'images', dtype: 'float32', shape: ['batch', n, h, w, 3] },
        { name: 'ego_to_image', dtype: 'float32', shape: ['batch', n, 4, 4] },
      ],
      outputs: [
        { name: 'scores', dtype: 'float32', shape: ['batch', QUERIES, LABELS.length] },
        { name: 'boxes', dtype: 'float32', shape: ['batch', QUERIES, boxCode] },
      ],
    },
  };
}

/** The card `mim4d finetune export` writes for such a detector. */
export function detectorCard(declared: DeclaredIo): ModelCard {
  const io = structuredClone(declared);
  return {
    cardVersion: 1,
    name: 'lookup-detector',
    summary: 'Test detector: looks up the ground truth of the sample whose code its CAM_FRONT image carries.',
    license: 'apache-2.0',
    task: 'detection',
    labels: [...LABELS],
    architecture: { family: 'mim4d', backbone: 'none', head: 'uvtr' },
    artifacts: [
      { path: 'detector.onnx', format: 'onnx', role: 'detector', io },
      { path: 'detector.safetensors', format: 'safetensors', role: 'weights' },
    ],
    preprocessing: {
      images: {
        mean: [0, 0, 0],
        std: [255, 255, 255],
        color: 'RGB',
        resizePx: [IMAGE.height, IMAGE.width],
        crop: 'none',
        cameras: [...CAMERAS],
      },
      frames: { count: 1, strideS: 0 },
      outputFrame: 'ego',
      bevRangeM: [-25.6, -25.6, 25.6, 25.6],
    },
    // One detection per query: the best label of each. Every further one would be a zero-score false positive,
    // which costs AP at recall 1 (the devkit reads the precision there after the last detection).
    postprocessing: { detection: { topK: QUERIES, classRangeM: { ...SCALED_RANGES } } },
    sensors: { camera: true, lidar: false, radar: false, map: false, external: false },
    training: {
      datasets: ['nuscenes-layout'],
      pretrainedFrom: `acme/mim4d-tiny@${'a'.repeat(40)}`,
      provenance: { codeRepo: 'mim4d', codeCommit: 'abcdef1' },
    },
    results: [],
  };
}

/** An export folder: detector.onnx, a placeholder weights file and card.json. */
export async function writeExport(dir: string, bytes: Uint8Array, card: unknown): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'detector.onnx'), bytes);
  await writeFile(join(dir, 'detector.safetensors'), new Uint8Array(8));
  await writeFile(join(dir, 'card.json'), JSON.stringify(card, null, 2));
}
