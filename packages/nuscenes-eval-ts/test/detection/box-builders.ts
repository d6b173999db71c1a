import type { DetectionBoxJson, DetectionName } from '../../src/index.ts';

/** A box with sensible defaults; yaw (radians about z) is turned into a quaternion. */
export function box(
  token: string,
  name: DetectionName,
  x: number,
  y: number,
  extra: Partial<DetectionBoxJson> & { yaw?: number } = {},
): DetectionBoxJson {
  const { yaw = 0, ...rest } = extra;
  return {
    sample_token: token,
    translation: [x, y, 1],
    size: [2, 4, 1.5],
    rotation: [Math.cos(yaw / 2), 0, 0, Math.sin(yaw / 2)],
    velocity: [0, 0],
    detection_name: name,
    detection_score: 0.5,
    attribute_name: '',
    ...rest,
  };
}
