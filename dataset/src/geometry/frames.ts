/**
 * Coordinate frames. A value's frame is part of its type so that, say, an ego-frame point cannot be handed to
 * code that expects a global one. The names are the nuScenes ones; code with more than one frame of a kind
 * (the ego frame at a camera sweep vs. at the key frame) may use its own string literal, e.g. 'ego@sweep'.
 */
export type Frame = 'global' | 'ego' | 'lidar' | 'camera' | 'image' | 'box';

declare const frameBrand: unique symbol;

/** A point or direction in metres, tagged with its frame. Built with {@link vec3} / {@link asVec3}. */
export type Vec3<F extends string> = readonly [number, number, number] & { readonly [frameBrand]: F };

export function vec3<F extends string>(x: number, y: number, z: number): Vec3<F> {
  return [x, y, z] as unknown as Vec3<F>;
}

/** Tags a plain [x, y, z] read from a record; `what` names the source in the error for malformed input. */
export function asVec3<F extends string>(v: readonly number[], what = 'vector'): Vec3<F> {
  if (v.length !== 3 || !v.every((c) => typeof c === 'number' && Number.isFinite(c))) {
    throw new Error(`${what}: expected 3 finite numbers, got ${JSON.stringify(v)}`);
  }
  return [v[0], v[1], v[2]] as unknown as Vec3<F>;
}
