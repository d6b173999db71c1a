/**
 * Builds a tiny but complete nuScenes-layout dataroot from a declarative spec: every table, JPEG (or PNG)
 * images for six cameras, LIDAR_TOP `.pcd.bin` sweeps and a map mask. Tokens are readable
 * (`sample:scene-0061:1`, `sd:CAM_FRONT:scene-0061:4`) so tests can name records directly.
 *
 * Time line per scene: each key sample is preceded by `cameraSweepsBetween` non-key camera frames
 * (after the previous sample); the first sample gets `leadingCameraSweeps`. Ego poses are linearly interpolated
 * between the samples' poses; every sample_data has its own ego_pose, as in nuScenes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { Quaternion } from '../../src/geometry/quaternion.ts';
import {
  CAMERA_CHANNELS,
  type CategoryRecord,
  type SampleAnnotationRecord,
  type SampleDataRecord,
  type TableName,
  type TableRecords,
  type Vector3Record,
} from '../../src/nuscenes/tables.ts';

export interface TinySampleSpec {
  /** Seconds since the scene's start. */
  readonly time: number;
  /** Ego position in the global frame (metres) and heading (radians) at this sample. */
  readonly egoTranslation: Vector3Record;
  readonly egoYaw: number;
}

export interface TinyAnnotationSpec {
  /** Index of the sample in its scene. */
  readonly sample: number;
  readonly translation: Vector3Record;
  readonly size?: Vector3Record;
  readonly yaw?: number;
  readonly attributes?: readonly string[];
  readonly numLidarPts?: number;
  readonly numRadarPts?: number;
}

export interface TinyInstanceSpec {
  readonly scene: string;
  readonly category: string;
  /** In time order; consecutive entries are linked by prev/next. */
  readonly annotations: readonly TinyAnnotationSpec[];
}

export interface TinySceneSpec {
  readonly name: string;
  readonly samples: readonly TinySampleSpec[];
}

export interface TinyDatasetSpec {
  readonly version: string;
  readonly scenes: readonly TinySceneSpec[];
  readonly instances: readonly TinyInstanceSpec[];
  readonly cameraSweepsBetween: number;
  readonly leadingCameraSweeps: number;
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly imageFormat: 'jpg' | 'png';
  /** Lidar points (x, y, z, intensity, ring) in the lidar frame, written for every LIDAR_TOP frame. */
  readonly lidarPoints: readonly (readonly [number, number, number, number, number])[];
}

/** Seconds -> the microsecond timestamps nuScenes stores. Scenes start 100 s apart. */
export const EPOCH_US = 1_532_402_927_000_000;

export const DEFAULT_SPEC: TinyDatasetSpec = {
  version: 'v1.0-tiny',
  scenes: [
    {
      name: 'scene-0061',
      samples: [
        { time: 0, egoTranslation: [100, 200, 0], egoYaw: 0 },
        { time: 0.5, egoTranslation: [102, 200, 0], egoYaw: 0 },
        { time: 1.0, egoTranslation: [104, 201, 0], egoYaw: Math.PI / 2 },
        { time: 3.0, egoTranslation: [104, 205, 0], egoYaw: Math.PI / 2 },
      ],
    },
    { name: 'scene-0103', samples: [{ time: 0, egoTranslation: [500, 500, 0], egoYaw: Math.PI }] },
  ],
  instances: [
    {
      scene: 'scene-0061',
      category: 'vehicle.car',
      annotations: [
        { sample: 0, translation: [110, 200, 1], yaw: 0, attributes: ['vehicle.moving'], numLidarPts: 10 },
        { sample: 1, translation: [111, 200.5, 1], yaw: 0, attributes: ['vehicle.moving'], numLidarPts: 8 },
        { sample: 2, translation: [113, 201, 1], yaw: 0.1, attributes: ['vehicle.moving'], numLidarPts: 5 },
      ],
    },
    {
      scene: 'scene-0061',
      category: 'human.pedestrian.adult',
      annotations: [
        { sample: 0, translation: [105, 195, 1], attributes: ['pedestrian.standing'], numRadarPts: 2 },
      ],
    },
    {
      scene: 'scene-0061',
      category: 'vehicle.bicycle',
      annotations: [
        { sample: 1, translation: [90, 210, 0.5], attributes: [] },
        { sample: 2, translation: [91, 210, 0.5], numLidarPts: 3 },
        { sample: 3, translation: [95, 212, 0.5], numLidarPts: 3 },
      ],
    },
    {
      scene: 'scene-0061',
      category: 'static_object.bicycle_rack',
      annotations: [{ sample: 0, translation: [108, 204, 0.5], size: [2, 5, 1.2], numLidarPts: 40 }],
    },
    {
      scene: 'scene-0103',
      category: 'animal',
      annotations: [{ sample: 0, translation: [505, 500, 0.3], numLidarPts: 1 }],
    },
  ],
  cameraSweepsBetween: 2,
  leadingCameraSweeps: 0,
  imageWidth: 32,
  imageHeight: 16,
  imageFormat: 'png',
  lidarPoints: [
    [10, 0, 0, 1, 0],
    [0, 10, -1, 2, 3],
    [-5, -5, 0.5, 3, 31],
  ],
};

/** Camera mounting yaw (radians, about ego +z) of the six cameras, roughly as on the nuScenes car. */
export const CAMERA_YAW: Record<string, number> = {
  CAM_FRONT: 0,
  CAM_FRONT_RIGHT: (-55 * Math.PI) / 180,
  CAM_FRONT_LEFT: (55 * Math.PI) / 180,
  CAM_BACK: Math.PI,
  CAM_BACK_LEFT: (110 * Math.PI) / 180,
  CAM_BACK_RIGHT: (-110 * Math.PI) / 180,
};

/** Camera axes (x right, y down, z forward) -> vehicle axes (x forward, y left, z up). */
export const CAMERA_TO_VEHICLE_AXES = new Quaternion(0.5, -0.5, 0.5, -0.5);
export const CAMERA_TRANSLATION: Vector3Record = [1.5, 0, 1.6];
export const LIDAR_TRANSLATION: Vector3Record = [0.9, 0, 1.8];
/** nuScenes' LIDAR_TOP has x to the right and y forward: yawed -90 degrees from the ego frame. */
export const LIDAR_YAW = -Math.PI / 2;

export const CATEGORIES = [
  'vehicle.car',
  'vehicle.bicycle',
  'vehicle.bus.rigid',
  'human.pedestrian.adult',
  'movable_object.barrier',
  'static_object.bicycle_rack',
  'animal',
];
export const ATTRIBUTES = ['vehicle.moving', 'vehicle.parked', 'cycle.with_rider', 'pedestrian.standing'];

export function intrinsicsFor(width: number, height: number): number[][] {
  return [
    [width / 2, 0, width / 2],
    [0, width / 2, height / 2],
    [0, 0, 1],
  ];
}

export type MutableTables = { [T in TableName]: TableRecords[T][] };

export interface TinyDataset {
  readonly tables: MutableTables;
  /** Data files by path relative to the dataroot, rendered only when written (encoding costs time). */
  readonly files: Map<string, () => Uint8Array>;
}

export const sampleToken = (scene: string, i: number): string => `sample:${scene}:${i}`;
export const annotationToken = (instance: number, i: number): string => `ann:${instance}:${i}`;

function lerp(a: number, b: number, f: number): number {
  return a + (b - a) * f;
}

/** Deterministic RGB test pattern: channel values depend on the pixel and the frame number. */
export function patternPixel(x: number, y: number, frame: number): [number, number, number] {
  return [(x * 8 + frame * 16) & 255, (y * 16) & 255, (frame * 40 + 30) & 255];
}

function encodeImage(format: 'jpg' | 'png', width: number, height: number, frame: number): Uint8Array {
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = patternPixel(x, y, frame);
      rgba.set([r, g, b, 255], 4 * (y * width + x));
    }
  }
  if (format === 'jpg') return jpeg.encode({ data: rgba, width, height }, 95).data;
  const png = new PNG({ width, height });
  rgba.copy(png.data);
  return PNG.sync.write(png);
}

/** The tables and files of the spec, in memory. */
export function buildTinyDataset(spec: TinyDatasetSpec = DEFAULT_SPEC): TinyDataset {
  const t: MutableTables = {
    category: CATEGORIES.map(
      (name, index): CategoryRecord => ({ token: `cat:${name}`, name, description: name, index }),
    ),
    attribute: ATTRIBUTES.map((name) => ({ token: `attr:${name}`, name, description: name })),
    visibility: ['v0-40', 'v40-60', 'v60-80', 'v80-100'].map((level, i) => ({
      token: `${i + 1}`,
      level,
      description: `visibility ${level}`,
    })),
    instance: [],
    sensor: [],
    calibrated_sensor: [],
    ego_pose: [],
    log: [],
    scene: [],
    sample: [],
    sample_data: [],
    sample_annotation: [],
    map: [],
  };
  const files = new Map<string, () => Uint8Array>();
  const channels = [...CAMERA_CHANNELS, 'LIDAR_TOP'];
  for (const channel of channels) {
    const isCamera = channel !== 'LIDAR_TOP';
    t.sensor.push({ token: `sensor:${channel}`, channel, modality: isCamera ? 'camera' : 'lidar' });
    const rotation = isCamera
      ? Quaternion.fromYaw(CAMERA_YAW[channel]).multiply(CAMERA_TO_VEHICLE_AXES)
      : Quaternion.fromYaw(LIDAR_YAW);
    t.calibrated_sensor.push({
      token: `cs:${channel}`,
      sensor_token: `sensor:${channel}`,
      translation: isCamera ? CAMERA_TRANSLATION : LIDAR_TRANSLATION,
      rotation: rotation.toArray(),
      camera_intrinsic: isCamera ? intrinsicsFor(spec.imageWidth, spec.imageHeight) : [],
    });
  }
  t.log.push({
    token: 'log:0',
    logfile: 'n015-2018-07-24-11-22-45+0800',
    vehicle: 'n015',
    date_captured: '2018-07-24',
    location: 'singapore-onenorth',
  });
  t.map.push({
    token: 'map:0',
    log_tokens: ['log:0'],
    category: 'semantic_prior',
    filename: 'maps/tiny.png',
  });
  const mask = new PNG({ width: 4, height: 4, colorType: 0, inputColorType: 0 });
  files.set('maps/tiny.png', () => PNG.sync.write(mask, { colorType: 0, inputColorType: 0 }));

  const pcd = Buffer.alloc(spec.lidarPoints.length * 20);
  spec.lidarPoints.forEach((p, i) => {
    for (let c = 0; c < 5; c++) pcd.writeFloatLE(p[c], 20 * i + 4 * c);
  });

  let frame = 0;
  spec.scenes.forEach((scene, sceneIndex) => {
    const start = EPOCH_US + sceneIndex * 100_000_000;
    const us = (time: number): number => start + Math.round(time * 1e6);
    const samples = scene.samples.map((_, i) => sampleToken(scene.name, i));
    t.scene.push({
      token: `scene:${scene.name}`,
      name: scene.name,
      description: `tiny ${scene.name}`,
      log_token: 'log:0',
      nbr_samples: samples.length,
      first_sample_token: samples[0],
      last_sample_token: samples[samples.length - 1],
    });
    scene.samples.forEach((s, i) => {
      t.sample.push({
        token: samples[i],
        timestamp: us(s.time),
        scene_token: `scene:${scene.name}`,
        prev: i > 0 ? samples[i - 1] : '',
        next: i + 1 < samples.length ? samples[i + 1] : '',
      });
    });
    const poseAt = (time: number): { translation: Vector3Record; yaw: number } => {
      const ss = scene.samples;
      let k = 0;
      while (k + 1 < ss.length && ss[k + 1].time < time) k++;
      const a = ss[k];
      const b = ss[Math.min(k + 1, ss.length - 1)];
      const f = b.time === a.time ? 0 : Math.min(1, Math.max(0, (time - a.time) / (b.time - a.time)));
      const tr = a.egoTranslation.map((v, c) => lerp(v, b.egoTranslation[c], f)) as Vector3Record;
      return { translation: tr, yaw: lerp(a.egoYaw, b.egoYaw, f) };
    };
    for (const channel of channels) {
      const isCamera = channel !== 'LIDAR_TOP';
      const chain: SampleDataRecord[] = [];
      scene.samples.forEach((s, i) => {
        const sweeps = !isCamera ? 0 : i === 0 ? spec.leadingCameraSweeps : spec.cameraSweepsBetween;
        const before = i === 0 ? s.time - 0.25 : scene.samples[i - 1].time;
        for (let k = 1; k <= sweeps + 1; k++) {
          const isKey = k === sweeps + 1;
          const time = isKey ? s.time : lerp(before, s.time, k / (sweeps + 1));
          const token = `sd:${channel}:${scene.name}:${chain.length}`;
          const pose = poseAt(time);
          t.ego_pose.push({
            token: `ego:${token}`,
            translation: pose.translation,
            rotation: Quaternion.fromYaw(pose.yaw).toArray(),
            timestamp: us(time),
          });
          const ext = isCamera ? spec.imageFormat : 'pcd';
          const filename = `${isKey ? 'samples' : 'sweeps'}/${channel}/${scene.name}__${channel}__${us(time)}.${isCamera ? ext : 'pcd.bin'}`;
          const imageFrame = frame++;
          files.set(filename, () =>
            isCamera ? encodeImage(spec.imageFormat, spec.imageWidth, spec.imageHeight, imageFrame) : pcd,
          );
          chain.push({
            token,
            sample_token: samples[i],
            ego_pose_token: `ego:${token}`,
            calibrated_sensor_token: `cs:${channel}`,
            filename,
            fileformat: ext,
            width: isCamera ? spec.imageWidth : 0,
            height: isCamera ? spec.imageHeight : 0,
            timestamp: us(time),
            is_key_frame: isKey,
            prev: '',
            next: '',
          });
        }
      });
      chain.forEach((sd, i) => {
        sd.prev = i > 0 ? chain[i - 1].token : '';
        sd.next = i + 1 < chain.length ? chain[i + 1].token : '';
      });
      t.sample_data.push(...chain);
    }
  });

  spec.instances.forEach((inst, n) => {
    const anns = inst.annotations.map(
      (a, i): SampleAnnotationRecord => ({
        token: annotationToken(n, i),
        sample_token: sampleToken(inst.scene, a.sample),
        instance_token: `inst:${n}`,
        attribute_tokens: (a.attributes ?? []).map((name) => `attr:${name}`),
        visibility_token: '4',
        translation: a.translation,
        size: a.size ?? [1.9, 4.5, 1.6],
        rotation: Quaternion.fromYaw(a.yaw ?? 0).toArray(),
        num_lidar_pts: a.numLidarPts ?? 0,
        num_radar_pts: a.numRadarPts ?? 0,
        prev: i > 0 ? annotationToken(n, i - 1) : '',
        next: i + 1 < inst.annotations.length ? annotationToken(n, i + 1) : '',
      }),
    );
    t.instance.push({
      token: `inst:${n}`,
      category_token: `cat:${inst.category}`,
      nbr_annotations: anns.length,
      first_annotation_token: anns[0].token,
      last_annotation_token: anns[anns.length - 1].token,
    });
    t.sample_annotation.push(...anns);
  });
  return { tables: t, files };
}

/** Writes one table as `<dataroot>/<version>/<table>.json` (tests use it to plant a fault). */
export async function writeTable(
  dataroot: string,
  version: string,
  table: TableName,
  records: unknown,
): Promise<void> {
  await mkdir(join(dataroot, version), { recursive: true });
  await writeFile(join(dataroot, version, `${table}.json`), JSON.stringify(records, null, 1));
}

/** Writes the spec's dataroot under `dataroot`; returns the in-memory tables for the test's expectations. */
export async function writeTinyDataroot(
  dataroot: string,
  spec: TinyDatasetSpec = DEFAULT_SPEC,
): Promise<TinyDataset> {
  const dataset = buildTinyDataset(spec);
  for (const [table, records] of Object.entries(dataset.tables)) {
    await writeTable(dataroot, spec.version, table as TableName, records);
  }
  for (const [path, render] of dataset.files) {
    const full = join(dataroot, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, render());
  }
  return dataset;
}
