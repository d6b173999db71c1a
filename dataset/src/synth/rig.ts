import { vec3 } from '../geometry/frames.ts';
import { Quaternion } from '../geometry/quaternion.ts';
import { RigidTransform } from '../geometry/rigid-transform.ts';
import { CAMERA_CHANNELS, type CameraChannel, LIDAR_CHANNEL } from '../nuscenes/tables.ts';

/** Camera frame (x right, y down, z forward) -> ego frame (x forward, y left, z up) for a forward-looking camera. */
const FORWARD_CAMERA = new Quaternion(0.5, -0.5, 0.5, -0.5);

/** One camera of the rig: mounting pose and nuScenes-like intrinsics at the native 1600x900. */
export interface CameraMount {
  channel: CameraChannel;
  cameraToEgo: RigidTransform<'camera', 'ego'>;
  /** Focal length in pixels at 1600x900; nuScenes' back camera is wider-angle than the others. */
  focal: number;
  /** Principal point at 1600x900, pixels. */
  cx: number;
  cy: number;
  /** Delay after the key-frame LiDAR timestamp at which this camera fires (it triggers as the LiDAR sweeps past). */
  triggerDelayS: number;
}

/** Full-resolution camera geometry, close to the nuScenes rig (six cameras, yaws in degrees from the ego's +x). */
const CAMERA_LAYOUT: Record<CameraChannel, { yawDeg: number; at: [number, number, number]; focal: number }> =
  {
    CAM_FRONT: { yawDeg: 0, at: [1.7, 0.016, 1.511], focal: 1266.4 },
    CAM_FRONT_RIGHT: { yawDeg: -55, at: [1.55, -0.493, 1.495], focal: 1260.8 },
    CAM_FRONT_LEFT: { yawDeg: 55, at: [1.522, 0.495, 1.507], focal: 1272.6 },
    CAM_BACK: { yawDeg: 180, at: [0.033, 0.0, 1.574], focal: 809.2 },
    CAM_BACK_LEFT: { yawDeg: 110, at: [1.036, 0.485, 1.566], focal: 1256.7 },
    CAM_BACK_RIGHT: { yawDeg: -110, at: [1.048, -0.481, 1.563], focal: 1259.5 },
  };

export const NATIVE_WIDTH = 1600;
export const NATIVE_HEIGHT = 900;

export const CAMERA_MOUNTS: readonly CameraMount[] = CAMERA_CHANNELS.map((channel) => {
  const { yawDeg, at, focal } = CAMERA_LAYOUT[channel];
  const yaw = (yawDeg * Math.PI) / 180;
  // The LiDAR spins clockwise seen from above starting at the front, reaching a camera after 50 ms * angle / 360°.
  const clockwise = (((-yawDeg % 360) + 360) % 360) / 360;
  return {
    channel,
    cameraToEgo: new RigidTransform<'camera', 'ego'>(
      Quaternion.fromYaw(yaw).multiply(FORWARD_CAMERA),
      vec3<'ego'>(at[0], at[1], at[2]),
    ),
    focal,
    cx: 800,
    cy: 450,
    triggerDelayS: Math.round(clockwise * 0.05 * 1e6) / 1e6,
  };
});

/** LiDAR frame (x right, y forward, z up, as nuScenes' LIDAR_TOP) -> ego frame. */
export const LIDAR_TO_EGO = new RigidTransform<'lidar', 'ego'>(
  Quaternion.fromYaw(-Math.PI / 2),
  vec3<'ego'>(0.943713, 0.0, 1.84023),
);

export { LIDAR_CHANNEL };

/** Row-major 3x3 intrinsics of `mount` for an image of width x height (nuScenes' scaled by width and height). */
export function scaledIntrinsics(mount: CameraMount, width: number, height: number): number[][] {
  const sx = width / NATIVE_WIDTH;
  const sy = height / NATIVE_HEIGHT;
  return [
    [mount.focal * sx, 0, mount.cx * sx],
    [0, mount.focal * sy, mount.cy * sy],
    [0, 0, 1],
  ];
}

/** HDL-32E-like LiDAR: 32 beams from +10.67° down to -30.67°, ~1085 azimuth steps per turn. */
export const LIDAR_BEAMS = 32;
export const LIDAR_TOP_ELEVATION_DEG = 10.67;
export const LIDAR_BOTTOM_ELEVATION_DEG = -30.67;
export const LIDAR_AZIMUTH_STEPS = 1084;
/** Metres; returns beyond this are dropped, as the sensor's useful range. */
export const LIDAR_MAX_RANGE = 80;
