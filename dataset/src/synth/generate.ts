import { vec3 } from '../geometry/frames.ts';
import { Quaternion } from '../geometry/quaternion.ts';
import { RigidTransform } from '../geometry/rigid-transform.ts';
import type { MapLocation } from '../map/expansion-types.ts';
import type {
  AttributeRecord,
  CalibratedSensorRecord,
  CategoryRecord,
  EgoPoseRecord,
  InstanceRecord,
  LogRecord,
  SampleAnnotationRecord,
  SampleDataRecord,
  SampleRecord,
  SceneRecord,
  SensorRecord,
  TableRecords,
  VisibilityRecord,
} from '../nuscenes/tables.ts';
import { AGENT_KINDS, type Agent, agentPosition } from './agents.ts';
import { CameraRenderer } from './camera-render.ts';
import { type EgoRoute, egoPose, planEgoRoute } from './ego.ts';
import { basemapPng, type GroundRaster, rasteriseGround } from './ground.ts';
import { JpegEncoder } from './jpeg-encoder.ts';
import { scanLidar } from './lidar-scan.ts';
import { buildMapExpansion } from './map-expansion.ts';
import { MINI_SCENES, resolveSynthOptions, type SynthOptions } from './options.ts';
import { OutputFolder } from './output-folder.ts';
import { populateScene } from './populate.ts';
import { Random } from './random.ts';
import { CAMERA_MOUNTS, LIDAR_CHANNEL, LIDAR_TO_EGO, scaledIntrinsics } from './rig.ts';
import { sceneBoxesAt, townBoxes } from './scene-boxes.ts';
import {
  attributeName,
  NUSCENES_ATTRIBUTES,
  NUSCENES_CATEGORIES,
  NUSCENES_VISIBILITY,
  visibilityToken,
} from './taxonomy.ts';
import { KEY_FRAME_INTERVAL_US, sceneCaptures } from './timeline.ts';
import { type TokenFactory, tokenFactory } from './tokens.ts';
import { buildTown, type Town } from './town.ts';

/** Agents within this distance (metres, in the ground plane) of the ego at a key frame are annotated. */
export const ANNOTATION_RANGE = 60;
/** 2018-08-01T00:00:00Z in microseconds: scenes start on that day, one hour apart. */
const FIRST_SCENE_START_US = 1_533_081_600_000_000;
const SCENE_SPACING_US = 3_600_000_000;

export interface SynthProgress {
  /** Captures (images and LiDAR sweeps) done so far, and in all. */
  done: number;
  total: number;
  scene: string;
}

export interface SynthSummary {
  out: string;
  version: string;
  scenes: { name: string; split: string; location: string }[];
  samples: number;
  sampleData: number;
  annotations: number;
  instances: number;
  files: number;
  bytes: number;
}

/**
 * Generates a synthetic dataset in the nuScenes layout under `options.out`: images, LiDAR sweeps, map expansion and
 * basemap per location, and every table the devkit loads. Output is a pure function of the options: no clock, no
 * unseeded randomness, stable key order.
 */
export async function generateSynthDataset(
  input: Partial<SynthOptions> & { out: string },
  settings: { force?: boolean; onProgress?: (progress: SynthProgress) => void } = {},
): Promise<SynthSummary> {
  const options = resolveSynthOptions(input);
  const folder = new OutputFolder(options.out, options.version, settings.force ?? false);
  const token = tokenFactory(options.seed);
  const root = new Random(options.seed);
  const scenes = MINI_SCENES.slice(0, options.scenes);
  const tables = emptyTables();
  fillStaticTables(tables, token);

  const capturesPerScene =
    options.samples * (CAMERA_MOUNTS.length * (options.sweeps + 1) + options.lidarSweeps + 1);
  const progress: SynthProgress = { done: 0, total: capturesPerScene * scenes.length, scene: '' };
  const towns = new Map<MapLocation, { town: Town; ground: GroundRaster; buildings: Float64Array }>();
  const logsByLocation = new Map<MapLocation, string[]>();
  const renderer = new CameraRenderer(options.width, options.height);
  const jpeg = new JpegEncoder(options.jpegQuality);

  for (const [sceneIndex, scene] of scenes.entries()) {
    let world = towns.get(scene.location);
    if (!world) {
      const town = buildTown(scene.location, root.fork(`town/${scene.location}`));
      world = { town, ground: rasteriseGround(town), buildings: townBoxes(town) };
      towns.set(scene.location, world);
      folder.write(`maps/expansion/${scene.location}.json`, JSON.stringify(buildMapExpansion(town, token)));
      folder.write(basemapFile(token, scene.location), basemapPng(town));
    }
    progress.scene = scene.name;
    const logToken = token('log', scene.name);
    logsByLocation.set(scene.location, [...(logsByLocation.get(scene.location) ?? []), logToken]);
    await generateScene({
      options,
      folder,
      token,
      tables,
      sceneIndex,
      name: scene.name,
      logToken,
      location: scene.location,
      world,
      random: root.fork(`scene/${scene.name}`),
      renderer,
      jpeg,
      onCapture: () => {
        progress.done++;
        settings.onProgress?.({ ...progress });
      },
    });
  }
  for (const [location, logTokens] of logsByLocation) {
    tables.map.push({
      category: 'semantic_prior',
      token: token('map', location),
      filename: basemapFile(token, location),
      log_tokens: logTokens,
    });
  }
  for (const [name, records] of Object.entries(tables)) {
    folder.write(`${options.version}/${name}.json`, `${JSON.stringify(records, null, 1)}\n`);
  }
  return {
    out: options.out,
    version: options.version,
    scenes: scenes.map((s) => ({ name: s.name, split: s.split, location: s.location })),
    samples: tables.sample.length,
    sampleData: tables.sample_data.length,
    annotations: tables.sample_annotation.length,
    instances: tables.instance.length,
    files: folder.files,
    bytes: folder.bytes,
  };
}

type MutableTables = { [T in keyof TableRecords]: TableRecords[T][] };

function emptyTables(): MutableTables {
  return {
    category: [],
    attribute: [],
    visibility: [],
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
}

function fillStaticTables(tables: MutableTables, token: TokenFactory): void {
  tables.category.push(
    ...NUSCENES_CATEGORIES.map((c): CategoryRecord => ({ token: token('category', c.name), ...c })),
  );
  tables.attribute.push(
    ...NUSCENES_ATTRIBUTES.map((a): AttributeRecord => ({ token: token('attribute', a.name), ...a })),
  );
  tables.visibility.push(
    ...NUSCENES_VISIBILITY.map(
      (v): VisibilityRecord => ({ token: v.token, level: v.level, description: v.description }),
    ),
  );
  tables.sensor.push(
    ...CAMERA_MOUNTS.map(
      (m): SensorRecord => ({ token: token('sensor', m.channel), channel: m.channel, modality: 'camera' }),
    ),
    { token: token('sensor', LIDAR_CHANNEL), channel: LIDAR_CHANNEL, modality: 'lidar' },
  );
}

function basemapFile(token: TokenFactory, location: MapLocation): string {
  return `maps/${token('basemap', location)}.png`;
}

interface SceneJob {
  options: SynthOptions;
  folder: OutputFolder;
  token: TokenFactory;
  tables: MutableTables;
  sceneIndex: number;
  name: string;
  logToken: string;
  location: MapLocation;
  world: { town: Town; ground: GroundRaster; buildings: Float64Array };
  random: Random;
  renderer: CameraRenderer;
  jpeg: JpegEncoder;
  onCapture: () => void;
}

async function generateScene(job: SceneJob): Promise<void> {
  const { options, folder, token, tables, name, world } = job;
  const startUs = FIRST_SCENE_START_US + job.sceneIndex * SCENE_SPACING_US;
  const durationS = ((options.samples - 1) * KEY_FRAME_INTERVAL_US) / 1e6;
  const route = planEgoRoute(world.town, durationS, job.random.fork('ego'));
  const agents = populateScene(world.town, route, durationS, job.random.fork('agents'));
  const sunAzimuth = job.random.fork('light').uniform(-Math.PI, Math.PI);
  const sunElevation = (50 * Math.PI) / 180;
  const sun = [
    Math.cos(sunElevation) * Math.cos(sunAzimuth),
    Math.cos(sunElevation) * Math.sin(sunAzimuth),
    Math.sin(sunElevation),
  ] as const;
  const lidarNoise = job.random.fork('lidar-noise');
  const date = new Date(startUs / 1000).toISOString();
  const logfile = `synth-${options.seed}-${date.slice(0, 10)}-${name}`;
  tables.log.push({
    token: job.logToken,
    logfile,
    vehicle: 'synth-ego',
    date_captured: date.slice(0, 10),
    location: job.location,
  } satisfies LogRecord);

  const sampleTokens = Array.from({ length: options.samples }, (_, i) => token('sample', name, i));
  const sceneToken = token('scene', name);
  tables.scene.push({
    token: sceneToken,
    log_token: job.logToken,
    nbr_samples: options.samples,
    first_sample_token: sampleTokens[0],
    last_sample_token: sampleTokens[options.samples - 1],
    name,
    description: describeScene(route, agents),
  } satisfies SceneRecord);
  for (const [i, t] of sampleTokens.entries()) {
    tables.sample.push({
      token: t,
      timestamp: startUs + i * KEY_FRAME_INTERVAL_US,
      prev: i > 0 ? sampleTokens[i - 1] : '',
      next: i + 1 < sampleTokens.length ? sampleTokens[i + 1] : '',
      scene_token: sceneToken,
    } satisfies SampleRecord);
  }

  const calibration = new Map<string, string>();
  for (const mount of CAMERA_MOUNTS) {
    const t = token('calibrated_sensor', name, mount.channel);
    calibration.set(mount.channel, t);
    tables.calibrated_sensor.push({
      token: t,
      sensor_token: token('sensor', mount.channel),
      translation: [...mount.cameraToEgo.translation] as [number, number, number],
      rotation: mount.cameraToEgo.rotation.toArray(),
      camera_intrinsic: scaledIntrinsics(mount, options.width, options.height),
    } satisfies CalibratedSensorRecord);
  }
  const lidarCalibration = token('calibrated_sensor', name, LIDAR_CHANNEL);
  calibration.set(LIDAR_CHANNEL, lidarCalibration);
  tables.calibrated_sensor.push({
    token: lidarCalibration,
    sensor_token: token('sensor', LIDAR_CHANNEL),
    translation: [...LIDAR_TO_EGO.translation] as [number, number, number],
    rotation: LIDAR_TO_EGO.rotation.toArray(),
    camera_intrinsic: [],
  } satisfies CalibratedSensorRecord);

  // Per key frame and agent: pixels covered / visible over the six key-frame images, and LiDAR points on it.
  const covered = Array.from({ length: options.samples }, () => new Float64Array(agents.length));
  const visible = Array.from({ length: options.samples }, () => new Float64Array(agents.length));
  const lidarPoints: Uint32Array[] = [];

  const captures = sceneCaptures(startUs, options.samples, options.sweeps, options.lidarSweeps);
  for (const [channel, list] of captures) {
    const mount = CAMERA_MOUNTS.find((m) => m.channel === channel);
    const intrinsics = mount ? scaledIntrinsics(mount, options.width, options.height) : undefined;
    const tokens = list.map((c) => token('sample_data', name, channel, c.timestampUs));
    for (const [k, capture] of list.entries()) {
      const t = (capture.timestampUs - startUs) / 1e6;
      const pose = egoPose(route, t);
      const egoToGlobal = new RigidTransform<'ego', 'global'>(
        Quaternion.fromYaw(pose.yaw),
        vec3<'global'>(pose.x, pose.y, 0),
      );
      tables.ego_pose.push({
        token: tokens[k],
        timestamp: capture.timestampUs,
        rotation: egoToGlobal.rotation.toArray(),
        translation: [pose.x, pose.y, 0],
      } satisfies EgoPoseRecord);
      const boxes = sceneBoxesAt(world.buildings, agents, t);
      const folderName = capture.isKeyFrame ? 'samples' : 'sweeps';
      let filename: string;
      if (mount && intrinsics) {
        const cameraToGlobal = mount.cameraToEgo.andThen(egoToGlobal);
        const image = job.renderer.render(
          {
            width: options.width,
            height: options.height,
            fx: intrinsics[0][0],
            fy: intrinsics[1][1],
            cx: intrinsics[0][2],
            cy: intrinsics[1][2],
            rotation: cameraToGlobal.rotation.rotationMatrix(),
            position: [...cameraToGlobal.translation] as [number, number, number],
          },
          boxes,
          world.ground,
          { sun },
          agents.length,
        );
        if (capture.isKeyFrame) {
          for (let a = 0; a < agents.length; a++) {
            covered[capture.sampleIndex][a] += image.covered[a];
            visible[capture.sampleIndex][a] += image.visible[a];
          }
        }
        filename = `${folderName}/${channel}/${logfile}__${channel}__${capture.timestampUs}.jpg`;
        folder.write(filename, job.jpeg.encode(image.rgba, options.width, options.height));
      } else {
        const lidarToGlobal = LIDAR_TO_EGO.andThen(egoToGlobal);
        const sweep = scanLidar(
          {
            rotation: lidarToGlobal.rotation.rotationMatrix(),
            position: [...lidarToGlobal.translation] as [number, number, number],
          },
          boxes,
          world.ground,
          agents.length,
          lidarNoise,
        );
        if (capture.isKeyFrame) lidarPoints[capture.sampleIndex] = sweep.pointsPerAgent;
        filename = `${folderName}/${channel}/${logfile}__${channel}__${capture.timestampUs}.pcd.bin`;
        folder.write(
          filename,
          new Uint8Array(sweep.points.buffer, sweep.points.byteOffset, sweep.points.byteLength),
        );
      }
      tables.sample_data.push({
        token: tokens[k],
        sample_token: sampleTokens[capture.sampleIndex],
        ego_pose_token: tokens[k],
        calibrated_sensor_token: calibration.get(channel) as string,
        timestamp: capture.timestampUs,
        fileformat: mount ? 'jpg' : 'pcd',
        is_key_frame: capture.isKeyFrame,
        height: mount ? options.height : 0,
        width: mount ? options.width : 0,
        filename,
        prev: k > 0 ? tokens[k - 1] : '',
        next: k + 1 < tokens.length ? tokens[k + 1] : '',
      } satisfies SampleDataRecord);
      job.onCapture();
      // Lets a progress display repaint between captures.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  annotate(job, route, agents, sampleTokens, covered, visible, lidarPoints);
}

function annotate(
  job: SceneJob,
  route: EgoRoute,
  agents: readonly Agent[],
  sampleTokens: readonly string[],
  covered: readonly Float64Array[],
  visible: readonly Float64Array[],
  lidarPoints: readonly Uint32Array[],
): void {
  const { token, tables, name } = job;
  const chains = new Map<number, string[]>();
  const records: SampleAnnotationRecord[] = [];
  for (const [i, sampleToken] of sampleTokens.entries()) {
    const t = (i * KEY_FRAME_INTERVAL_US) / 1e6;
    const ego = egoPose(route, t);
    for (const agent of agents) {
      const [x, y] = agentPosition(agent, t);
      if (Math.hypot(x - ego.x, y - ego.y) > ANNOTATION_RANGE) continue;
      const annotationToken = token('sample_annotation', name, agent.id, i);
      const chain = chains.get(agent.id) ?? [];
      chain.push(annotationToken);
      chains.set(agent.id, chain);
      const attribute = attributeName(agent.kind, agent.state);
      const seen = covered[i][agent.id];
      records.push({
        token: annotationToken,
        sample_token: sampleToken,
        instance_token: token('instance', name, agent.id),
        visibility_token: visibilityToken(seen > 0 ? visible[i][agent.id] / seen : 0),
        attribute_tokens: attribute ? [token('attribute', attribute)] : [],
        translation: [x, y, agent.size[2] / 2],
        size: [...agent.size] as [number, number, number],
        rotation: Quaternion.fromYaw(agent.yaw).toArray(),
        prev: '',
        next: '',
        num_lidar_pts: lidarPoints[i][agent.id],
        num_radar_pts: 0,
      });
    }
  }
  const byToken = new Map(records.map((r) => [r.token, r]));
  for (const [agentId, chain] of chains) {
    chain.forEach((t, k) => {
      const record = byToken.get(t) as SampleAnnotationRecord;
      record.prev = k > 0 ? chain[k - 1] : '';
      record.next = k + 1 < chain.length ? chain[k + 1] : '';
    });
    tables.instance.push({
      token: token('instance', name, agentId),
      category_token: token('category', AGENT_KINDS[agents[agentId].kind]),
      nbr_annotations: chain.length,
      first_annotation_token: chain[0],
      last_annotation_token: chain[chain.length - 1],
    } satisfies InstanceRecord);
  }
  tables.sample_annotation.push(...records);
}

function describeScene(route: EgoRoute, agents: readonly Agent[]): string {
  const heading =
    route.axis === 'x' ? (route.direction > 0 ? 'east' : 'west') : route.direction > 0 ? 'north' : 'south';
  const moving = agents.filter((a) => a.state === 'moving').length;
  return `Synthetic town, ego drives ${heading} at about ${route.baseSpeed.toFixed(1)} m/s, ${agents.length} agents (${moving} moving)`;
}
