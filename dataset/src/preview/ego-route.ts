import { Quaternion } from '../geometry/quaternion.ts';
import type { NuScenes } from '../nuscenes/database.ts';
import type { Token } from '../nuscenes/tables.ts';

/** The ego at one LIDAR_TOP capture: global frame, metres and radians (yaw counter-clockwise from +x). */
export interface RoutePose {
  timeS: number;
  x: number;
  y: number;
  yawRad: number;
}

/** Where one scene's ego went, in time order. */
export interface SceneRoute {
  sceneToken: Token;
  name: string;
  location: string;
  /** The scene record's description (the synthetic generator's names the light, traffic and scenery). */
  description: string;
  poses: RoutePose[];
}

const ROUTE_CHANNEL = 'LIDAR_TOP';

/**
 * Every scene's ego route from the poses of its LIDAR_TOP captures, key frames and sweeps (20 Hz in nuScenes),
 * grouped in one pass over sample_data so a full trainval table costs one walk, not one per scene.
 */
export function sceneRoutes(nusc: NuScenes): SceneRoute[] {
  const sceneOfSample = new Map(nusc.tables.sample.map((s) => [s.token, s.scene_token]));
  const poses = new Map<Token, { timestamp: number; pose: RoutePose }[]>();
  for (const sd of nusc.tables.sample_data) {
    if (nusc.channel(sd) !== ROUTE_CHANNEL) continue;
    const scene = sceneOfSample.get(sd.sample_token);
    if (scene === undefined) continue;
    const ego = nusc.get('ego_pose', sd.ego_pose_token);
    const [w, x, y, z] = ego.rotation;
    const list = poses.get(scene) ?? [];
    list.push({
      timestamp: ego.timestamp,
      pose: {
        timeS: 0,
        x: ego.translation[0],
        y: ego.translation[1],
        yawRad: new Quaternion(w, x, y, z).yaw(),
      },
    });
    poses.set(scene, list);
  }
  return nusc.tables.scene.map((scene) => {
    const list = (poses.get(scene.token) ?? []).sort((a, b) => a.timestamp - b.timestamp);
    const start = list[0]?.timestamp ?? 0;
    return {
      sceneToken: scene.token,
      name: scene.name,
      location: nusc.get('log', scene.log_token).location,
      description: scene.description,
      poses: list.map(({ timestamp, pose }) => ({ ...pose, timeS: (timestamp - start) / 1e6 })),
    };
  });
}

/** Heading changes along a route, in degrees: `net` end minus start (left positive), `total` every turn summed. */
export function yawChange(poses: readonly RoutePose[]): { netDeg: number; totalDeg: number } {
  let net = 0;
  let total = 0;
  for (let i = 1; i < poses.length; i++) {
    // Wrapped into (-pi, pi]: consecutive captures are 50 ms apart, far less than half a turn.
    const d = Math.atan2(
      Math.sin(poses[i].yawRad - poses[i - 1].yawRad),
      Math.cos(poses[i].yawRad - poses[i - 1].yawRad),
    );
    net += d;
    total += Math.abs(d);
  }
  return { netDeg: (net * 180) / Math.PI, totalDeg: (total * 180) / Math.PI };
}

/** Distance driven along a route, metres. */
export function routeLengthM(poses: readonly RoutePose[]): number {
  let length = 0;
  for (let i = 1; i < poses.length; i++)
    length += Math.hypot(poses[i].x - poses[i - 1].x, poses[i].y - poses[i - 1].y);
  return length;
}
