import { vec3 } from '../geometry/frames.ts';
import { Quaternion } from '../geometry/quaternion.ts';
import { RigidTransform } from '../geometry/rigid-transform.ts';
import type { MapLocation } from '../map/expansion-types.ts';
import type {
  CalibratedSensorRecord,
  EgoPoseRecord,
  InstanceRecord,
  LogRecord,
  SampleAnnotationRecord,
  SampleDataRecord,
  SampleRecord,
  SceneRecord,
  TableRecords,
} from '../nuscenes/tables.ts';
import { AGENT_KINDS, type Agent, agentPose } from './agents.ts';
import { styleTown, type TownStyles } from './building-styles.ts';
import { CameraRenderer } from './camera-render.ts';
import { type EgoRoute, egoPose, planEgoRoute } from './ego.ts';
import { type GroundRaster, rasteriseGround } from './ground.ts';
import { JpegEncoder } from './jpeg-encoder.ts';
import { scanLidar } from './lidar-scan.ts';
import { drawLighting, type Lighting } from './lighting.ts';
import type { SynthOptions } from './options.ts';
import type { DatasetFiles } from './output-folder.ts';
import { populateScene } from './populate.ts';
import { Random } from './random.ts';
import { CAMERA_MOUNTS, LIDAR_CHANNEL, LIDAR_TO_EGO, scaledIntrinsics } from './rig.ts';
import { sceneBoxesAt, townBoxes } from './scene-boxes.ts';
import { describeScenery } from './scenery-description.ts';
import { attributeName, visibilityToken } from './taxonomy.ts';
import { type Capture, KEY_FRAME_INTERVAL_US, sceneCaptures } from './timeline.ts';
import { type TokenFactory, tokenFactory } from './tokens.ts';
import { buildTown, type Town } from './town.ts';
import { type PlantPart, plantVegetation } from './vegetation.ts';

/** Agents within this distance (metres, in the ground plane) of the ego at a key frame are annotated. */
export const ANNOTATION_RANGE = 60;
/** 2018-08-01T00:00:00Z in microseconds: scenes start on that day, one hour apart. */
const FIRST_SCENE_START_US = 1_533_081_600_000_000;
const SCENE_SPACING_US = 3_600_000_000;

/** The records one scene contributes, table by table, in the order they are written. */
export type SceneTables = {
  [T in
    | 'log'
    | 'scene'
    | 'sample'
    | 'calibrated_sensor'
    | 'ego_pose'
    | 'sample_data'
    | 'instance'
    | 'sample_annotation']: TableRecords[T][];
};

/** Which scene to generate: everything else follows from the options (seed included). */
export interface SceneSpec {
  options: SynthOptions;
  sceneIndex: number;
  name: string;
  location: MapLocation;
}

/** The static world of a location: its town, ground materials, building styles, plants, and their boxes. */
export interface World {
  town: Town;
  ground: GroundRaster;
  styles: TownStyles;
  plants: readonly PlantPart[];
  /** Buildings and plants as SceneBoxes records. */
  scenery: Float64Array;
}

/** The town of `location` for a seed: the same in every process, so workers agree with the map files. */
export function townFor(seed: number, location: MapLocation): Town {
  return buildTown(location, new Random(seed).fork(`town/${location}`));
}

export function buildWorld(seed: number, location: MapLocation): World {
  const town = townFor(seed, location);
  const ground = rasteriseGround(town);
  // Its own stream, so that dressing the town never shifts the town's, the traffic's or the light's numbers.
  const dressing = new Random(seed).fork(`dressing/${location}`);
  const styles = styleTown(town, dressing.fork('styles'));
  const plants = plantVegetation(town, styles, ground, dressing.fork('plants'));
  return { town, ground, styles, plants, scenery: townBoxes(town, styles, plants) };
}

/** Per-process state reused across scenes: worlds by location, the renderer's buffers, the JPEG settings. */
export class SceneContext {
  private readonly worlds = new Map<MapLocation, World>();
  readonly renderer: CameraRenderer;
  readonly jpeg: JpegEncoder;

  constructor(
    readonly options: SynthOptions,
    readonly files: DatasetFiles,
  ) {
    this.renderer = new CameraRenderer(options.width, options.height);
    this.jpeg = new JpegEncoder(options.jpegQuality);
  }

  world(location: MapLocation): World {
    let world = this.worlds.get(location);
    if (!world) {
      world = buildWorld(this.options.seed, location);
      this.worlds.set(location, world);
    }
    return world;
  }
}

interface SceneJob {
  options: SynthOptions;
  files: DatasetFiles;
  token: TokenFactory;
  tables: SceneTables;
  sceneIndex: number;
  name: string;
  logToken: string;
  location: MapLocation;
  world: World;
  random: Random;
  renderer: CameraRenderer;
  jpeg: JpegEncoder;
  onCapture: () => void;
}

/**
 * Renders, ray casts and annotates one scene, writing its images and sweeps, and returns its table records. A pure
 * function of the spec (the seed included), whichever process runs it.
 */
export async function generateScene(
  spec: SceneSpec,
  context: SceneContext,
  onCapture: () => void,
): Promise<SceneTables> {
  const token = tokenFactory(spec.options.seed);
  const tables: SceneTables = {
    log: [],
    scene: [],
    sample: [],
    calibrated_sensor: [],
    ego_pose: [],
    sample_data: [],
    instance: [],
    sample_annotation: [],
  };
  await renderScene({
    options: spec.options,
    files: context.files,
    token,
    tables,
    sceneIndex: spec.sceneIndex,
    name: spec.name,
    logToken: token('log', spec.name),
    location: spec.location,
    world: context.world(spec.location),
    random: new Random(spec.options.seed).fork(`scene/${spec.name}`),
    renderer: context.renderer,
    jpeg: context.jpeg,
    onCapture,
  });
  return tables;
}

/**
 * One scene: its random content first (route, traffic, light), then its records and files in the order the tables
 * list them: log, scene and samples, calibration, each capture with its ego pose, and the annotations.
 */
async function renderScene(job: SceneJob): Promise<void> {
  const content = drawSceneContent(job);
  const timeline = recordTimeline(job, content);
  const calibration = recordCalibration(job);
  const seen = await captureSensors(job, content, timeline, calibration);
  annotate(job, content.route, content.agents, timeline.sampleTokens, seen);
}

/** What a scene shows, drawn from its own random streams: the ego's route, traffic, light and LiDAR noise. */
interface SceneContent {
  route: EgoRoute;
  agents: Agent[];
  /** Traffic and pedestrians relative to the town's usual (1). */
  density: number;
  lighting: Lighting;
  lidarNoise: Random;
}

function drawSceneContent(job: SceneJob): SceneContent {
  const durationS = ((job.options.samples - 1) * KEY_FRAME_INTERVAL_US) / 1e6;
  const route = planEgoRoute(job.world.town, durationS, job.random.fork('ego'));
  // From sparse to busy: traffic and pedestrians at 0.5x to 1.6x the town's usual spacing.
  const density = job.random.fork('traffic').uniform(0.5, 1.6);
  const agents = populateScene(job.world.town, route, durationS, job.random.fork('agents'), density);
  return {
    route,
    agents,
    density,
    lighting: drawLighting(job.random.fork('light')),
    lidarNoise: job.random.fork('lidar-noise'),
  };
}

/** When the scene was recorded and under which names. */
interface SceneTimeline {
  startUs: number;
  logfile: string;
  sampleTokens: string[];
}

/** The scene's log, scene and sample records. */
function recordTimeline(job: SceneJob, content: SceneContent): SceneTimeline {
  const { options, token, tables, name } = job;
  const startUs = FIRST_SCENE_START_US + job.sceneIndex * SCENE_SPACING_US;
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
    description: describeScene(job, content),
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
  return { startUs, logfile, sampleTokens };
}

/** The scene's calibrated_sensor records (six cameras at the output size, the LiDAR); channel -> token. */
function recordCalibration(job: SceneJob): Map<string, string> {
  const { options, token, tables, name } = job;
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
  return calibration;
}

/** Per key frame and agent: pixels covered / visible over the six key-frame images, and LiDAR points on it. */
interface AgentVisibility {
  covered: Float64Array[];
  visible: Float64Array[];
  lidarPoints: Uint32Array[];
}

/** Every camera image and LiDAR sweep of the scene, each with its ego pose and sample_data record. */
async function captureSensors(
  job: SceneJob,
  content: SceneContent,
  timeline: SceneTimeline,
  calibration: ReadonlyMap<string, string>,
): Promise<AgentVisibility> {
  const { options, token, tables, name, world } = job;
  const { route, agents } = content;
  const { startUs, logfile, sampleTokens } = timeline;
  const seen: AgentVisibility = {
    covered: Array.from({ length: options.samples }, () => new Float64Array(agents.length)),
    visible: Array.from({ length: options.samples }, () => new Float64Array(agents.length)),
    lidarPoints: [],
  };
  const captures = sceneCaptures(startUs, options.samples, options.sweeps, options.lidarSweeps);
  for (const [channel, list] of captures) {
    const mount = CAMERA_MOUNTS.find((m) => m.channel === channel);
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
      const boxes = sceneBoxesAt(world.scenery, agents, t);
      const folderName = capture.isKeyFrame ? 'samples' : 'sweeps';
      const stem = `${folderName}/${channel}/${logfile}__${channel}__${capture.timestampUs}`;
      const filename = mount
        ? await captureCamera(job, content, mount, egoToGlobal, boxes, capture, seen, `${stem}.jpg`)
        : captureLidar(job, content, egoToGlobal, boxes, capture, seen, `${stem}.pcd.bin`);
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
  return seen;
}

type SceneBoxes = ReturnType<typeof sceneBoxesAt>;
type CameraMount = (typeof CAMERA_MOUNTS)[number];

/** Renders and writes one camera image; a key frame's counts what each agent covers and shows. */
async function captureCamera(
  job: SceneJob,
  content: SceneContent,
  mount: CameraMount,
  egoToGlobal: RigidTransform<'ego', 'global'>,
  boxes: SceneBoxes,
  capture: Capture,
  seen: AgentVisibility,
  filename: string,
): Promise<string> {
  const { options } = job;
  const intrinsics = scaledIntrinsics(mount, options.width, options.height);
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
    job.world.ground,
    content.lighting,
    content.agents.length,
  );
  if (capture.isKeyFrame) {
    for (let a = 0; a < content.agents.length; a++) {
      seen.covered[capture.sampleIndex][a] += image.covered[a];
      seen.visible[capture.sampleIndex][a] += image.visible[a];
    }
  }
  job.files.write(filename, await job.jpeg.encode(image.rgba, options.width, options.height));
  return filename;
}

/** Scans and writes one LiDAR sweep; a key frame's counts the points on each agent. */
function captureLidar(
  job: SceneJob,
  content: SceneContent,
  egoToGlobal: RigidTransform<'ego', 'global'>,
  boxes: SceneBoxes,
  capture: Capture,
  seen: AgentVisibility,
  filename: string,
): string {
  const lidarToGlobal = LIDAR_TO_EGO.andThen(egoToGlobal);
  const sweep = scanLidar(
    {
      rotation: lidarToGlobal.rotation.rotationMatrix(),
      position: [...lidarToGlobal.translation] as [number, number, number],
    },
    boxes,
    job.world.ground,
    content.agents.length,
    content.lidarNoise,
  );
  if (capture.isKeyFrame) seen.lidarPoints[capture.sampleIndex] = sweep.pointsPerAgent;
  job.files.write(
    filename,
    new Uint8Array(sweep.points.buffer, sweep.points.byteOffset, sweep.points.byteLength),
  );
  return filename;
}

function annotate(
  job: SceneJob,
  route: EgoRoute,
  agents: readonly Agent[],
  sampleTokens: readonly string[],
  { covered, visible, lidarPoints }: AgentVisibility,
): void {
  const { token, tables, name } = job;
  const chains = new Map<number, string[]>();
  const records: SampleAnnotationRecord[] = [];
  for (const [i, sampleToken] of sampleTokens.entries()) {
    const t = (i * KEY_FRAME_INTERVAL_US) / 1e6;
    const ego = egoPose(route, t);
    for (const agent of agents) {
      const { x, y, yaw } = agentPose(agent, t);
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
        rotation: Quaternion.fromYaw(yaw).toArray(),
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

/** nuScenes-style: what the drive does, then the conditions (light, traffic) and the scenery along it. */
function describeScene(job: SceneJob, { route, agents, lighting, density }: SceneContent): string {
  const heading =
    route.axis === 'x' ? (route.direction > 0 ? 'east' : 'west') : route.direction > 0 ? 'north' : 'south';
  const moving = agents.filter((a) => a.state === 'moving').length;
  const turn = route.turn
    ? `, turns ${route.turn.sign > 0 ? 'left' : 'right'} at a junction,`
    : route.stop
      ? ', stops at a stop line,'
      : '';
  const durationS = ((job.options.samples - 1) * KEY_FRAME_INTERVAL_US) / 1e6;
  const poses = Array.from({ length: Math.ceil(durationS) + 1 }, (_, i) =>
    egoPose(route, Math.min(i, durationS)),
  );
  const scenery = describeScenery(job.world, poses, ANNOTATION_RANGE);
  return `Synthetic town, ego drives ${heading}${turn} at about ${route.baseSpeed.toFixed(1)} m/s, ${agents.length} agents (${moving} moving), ${lighting.kind}, traffic ${density.toFixed(1)}x usual, ${scenery}`;
}
