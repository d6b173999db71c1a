import { type Vec3, vec3 } from '../geometry/frames.ts';
import type { NuScenes } from './database.ts';
import type { Token } from './tables.ts';

/** The devkit's default largest gap, seconds, between the annotations a velocity is estimated from. */
export const MAX_VELOCITY_TIME_DIFF_S = 1.5;

const UNKNOWN = vec3<'global'>(Number.NaN, Number.NaN, Number.NaN);

/**
 * Velocity (m/s, global frame) of an annotated box, exactly as the devkit's `NuScenes.box_velocity`: a centred
 * difference between the previous and next annotation of the instance when both exist, else a one-sided one;
 * NaN for an instance annotated once, or when the time gap exceeds `maxTimeDiff` (twice that when centred).
 */
export function boxVelocity(
  nusc: NuScenes,
  annotationToken: Token,
  maxTimeDiff = MAX_VELOCITY_TIME_DIFF_S,
): Vec3<'global'> {
  const current = nusc.get('sample_annotation', annotationToken);
  const hasPrev = current.prev !== '';
  const hasNext = current.next !== '';
  if (!hasPrev && !hasNext) return UNKNOWN;
  const first = hasPrev ? nusc.get('sample_annotation', current.prev) : current;
  const last = hasNext ? nusc.get('sample_annotation', current.next) : current;
  // Seconds computed as the devkit does (1e-6 * µs before subtracting) so the quotient matches to the bit.
  const timeDiff =
    1e-6 * nusc.get('sample', last.sample_token).timestamp -
    1e-6 * nusc.get('sample', first.sample_token).timestamp;
  const limit = hasPrev && hasNext ? maxTimeDiff * 2 : maxTimeDiff;
  if (timeDiff > limit) return UNKNOWN;
  const [a, b] = [first.translation, last.translation];
  return vec3<'global'>((b[0] - a[0]) / timeDiff, (b[1] - a[1]) / timeDiff, (b[2] - a[2]) / timeDiff);
}
