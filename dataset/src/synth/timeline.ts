import { CAMERA_MOUNTS, LIDAR_CHANNEL } from './rig.ts';

/** One capture of one sensor. */
export interface Capture {
  channel: string;
  /** Microseconds since the Unix epoch. */
  timestampUs: number;
  isKeyFrame: boolean;
  /** The key frame this capture belongs to: its own, or for a sweep the next one. */
  sampleIndex: number;
}

export const KEY_FRAME_INTERVAL_US = 500_000;

/**
 * Every capture of a scene, per channel in time order: key frames at 2 Hz (cameras fire a few ms after the LiDAR,
 * as it sweeps past them) and, before each key frame, evenly spaced sweeps: `cameraSweeps` for each camera and
 * `lidarSweeps` for the LiDAR (5 and 9 reproduce nuScenes' 12 Hz and 20 Hz).
 */
export function sceneCaptures(
  startUs: number,
  samples: number,
  cameraSweeps: number,
  lidarSweeps: number,
): Map<string, Capture[]> {
  const byChannel = new Map<string, Capture[]>();
  const channels = [
    ...CAMERA_MOUNTS.map((m) => ({
      channel: m.channel as string,
      delayUs: Math.round(m.triggerDelayS * 1e6),
      sweeps: cameraSweeps,
    })),
    { channel: LIDAR_CHANNEL, delayUs: 0, sweeps: lidarSweeps },
  ];
  for (const { channel, delayUs, sweeps } of channels) {
    const list: Capture[] = [];
    const step = Math.round(KEY_FRAME_INTERVAL_US / (sweeps + 1));
    for (let i = 0; i < samples; i++) {
      const key = startUs + i * KEY_FRAME_INTERVAL_US + delayUs;
      for (let j = sweeps; j >= 1; j--) {
        list.push({ channel, timestampUs: key - j * step, isKeyFrame: false, sampleIndex: i });
      }
      list.push({ channel, timestampUs: key, isKeyFrame: true, sampleIndex: i });
    }
    byChannel.set(channel, list);
  }
  return byChannel;
}
