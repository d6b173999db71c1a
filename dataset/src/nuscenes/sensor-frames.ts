import { type CameraIntrinsics, intrinsicsFromRecord, projectionMatrix } from '../geometry/camera.ts';
import type { Mat4 } from '../geometry/matrix.ts';
import { RigidTransform } from '../geometry/rigid-transform.ts';
import type { NuScenes } from './database.ts';
import {
  CAMERA_CHANNELS,
  type CameraChannel,
  LIDAR_CHANNEL,
  type SampleDataRecord,
  type Token,
} from './tables.ts';

/**
 * A sensor reading with its calibration. Its 'ego' frame is the ego pose at this reading's own timestamp,
 * which differs between a sweep and the key frame: cross-time work goes through 'global' or the key lidar.
 */
interface SensorFrame<S extends 'camera' | 'lidar'> {
  readonly channel: string;
  /** sample_data token. */
  readonly token: Token;
  /** Absolute file path. */
  readonly path: string;
  /** Microseconds since the Unix epoch. */
  readonly timestamp: number;
  readonly sensorToEgo: RigidTransform<S, 'ego'>;
  readonly egoToGlobal: RigidTransform<'ego', 'global'>;
}

export type LidarFrame = SensorFrame<'lidar'>;

export interface CameraFrame extends SensorFrame<'camera'> {
  readonly channel: CameraChannel;
  readonly width: number;
  readonly height: number;
  readonly intrinsics: CameraIntrinsics;
  /** Key-frame LIDAR_TOP -> this camera at this frame's time (through the global frame). */
  readonly keyLidarToCamera: RigidTransform<'lidar', 'camera'>;
  /** Key-frame LIDAR_TOP -> homogeneous pixels (u·z, v·z, z, 1) of this image; at k = 0 the usual lidar2img. */
  readonly keyLidarToImage: Mat4<'lidar', 'image'>;
  /** True when the camera's sweep chain ended before frame k and this repeats its earliest frame. */
  readonly padded: boolean;
}

export interface SampleFrames {
  readonly sampleToken: Token;
  readonly lidar: LidarFrame;
  /** `cameras[k][c]`: k = 0 is the key frame, k = 1..T-1 the previous camera sweeps (walked along `prev`). */
  readonly cameras: readonly (readonly CameraFrame[])[];
}

export interface SampleFramesOptions {
  /** Frames per camera, T >= 1 (MIM4D uses 3). */
  readonly frames?: number;
  readonly channels?: readonly CameraChannel[];
}

function sensorFrame<S extends 'camera' | 'lidar'>(nusc: NuScenes, sd: SampleDataRecord): SensorFrame<S> {
  const cs = nusc.get('calibrated_sensor', sd.calibrated_sensor_token);
  const pose = nusc.get('ego_pose', sd.ego_pose_token);
  return {
    channel: nusc.channel(sd),
    token: sd.token,
    path: nusc.filePath(sd),
    timestamp: sd.timestamp,
    sensorToEgo: RigidTransform.fromRecord<S, 'ego'>(cs, `calibrated_sensor.json record "${cs.token}"`),
    egoToGlobal: RigidTransform.fromRecord<'ego', 'global'>(pose, `ego_pose.json record "${pose.token}"`),
  };
}

/** The LIDAR_TOP key frame of a sample with its calibration and pose. */
export function lidarFrame(nusc: NuScenes, sampleToken: Token): LidarFrame {
  return sensorFrame<'lidar'>(nusc, nusc.sampleData(sampleToken, LIDAR_CHANNEL));
}

/**
 * What pretraining and the camera heads need of one key sample: per camera, the key frame and the T-1 previous
 * camera sweeps, each with intrinsics, camera->ego, ego->global and the key-lidar -> image matrix. A camera
 * whose chain starts less than T-1 frames back repeats its earliest frame (marked `padded`), as MIM4D does.
 */
export function sampleFrames(
  nusc: NuScenes,
  sampleToken: Token,
  options: SampleFramesOptions = {},
): SampleFrames {
  const frames = options.frames ?? 1;
  if (!Number.isInteger(frames) || frames < 1)
    throw new Error(`frames must be an integer >= 1, got ${frames}`);
  const lidar = lidarFrame(nusc, sampleToken);
  const keyLidarToGlobal = lidar.sensorToEgo.andThen(lidar.egoToGlobal);
  const perCamera = (options.channels ?? CAMERA_CHANNELS).map((channel) => {
    const chain: CameraFrame[] = [];
    let sd: SampleDataRecord | undefined = nusc.sampleData(sampleToken, channel);
    while (chain.length < frames) {
      if (sd === undefined) {
        chain.push({ ...chain[chain.length - 1], padded: true });
        continue;
      }
      chain.push(cameraFrame(nusc, sd, channel, keyLidarToGlobal));
      sd = sd.prev === '' ? undefined : nusc.get('sample_data', sd.prev);
    }
    return chain;
  });
  const cameras = Array.from({ length: frames }, (_, k) => perCamera.map((chain) => chain[k]));
  return { sampleToken, lidar, cameras };
}

function cameraFrame(
  nusc: NuScenes,
  sd: SampleDataRecord,
  channel: CameraChannel,
  keyLidarToGlobal: RigidTransform<'lidar', 'global'>,
): CameraFrame {
  const base = sensorFrame<'camera'>(nusc, sd);
  const cs = nusc.get('calibrated_sensor', sd.calibrated_sensor_token);
  const intrinsics = intrinsicsFromRecord(
    cs.camera_intrinsic,
    `calibrated_sensor.json record "${cs.token}": field "camera_intrinsic"`,
  );
  const cameraToGlobal = base.sensorToEgo.andThen(base.egoToGlobal);
  const cameraToKeyLidar = cameraToGlobal.andThen(keyLidarToGlobal.inverse());
  return {
    ...base,
    channel,
    width: sd.width,
    height: sd.height,
    intrinsics,
    keyLidarToCamera: cameraToKeyLidar.inverse(),
    keyLidarToImage: projectionMatrix(cameraToKeyLidar, intrinsics),
    padded: false,
  };
}
