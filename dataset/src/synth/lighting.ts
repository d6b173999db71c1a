import type { Random } from './random.ts';

type Rgb = readonly [number, number, number];

/**
 * A scene's light: where the sun is and how much of the shading it gives against the sky's even light, and the
 * colours of the sky and of the haze that fades far surfaces (a depth cue). Every kind keeps shading that varies
 * with a surface's orientation, so shape stays learnable from the pixels.
 */
export interface Lighting {
  kind: LightingKind;
  /** Unit vector towards the sun, global frame. */
  sun: readonly [number, number, number];
  /** Colour of direct sunlight (1 = white). */
  sunColour: Rgb;
  /** Boxes: shade = boxAmbient + 0.15 * upness + boxDirect * lambert. */
  boxAmbient: number;
  boxDirect: number;
  /** Ground: light = groundAmbient + groundDirect * sun height. */
  groundAmbient: number;
  groundDirect: number;
  skyZenith: Rgb;
  horizon: Rgb;
  /** Metres over which the haze reaches 63 %. */
  fogDistanceM: number;
  /** Share of facade windows lit from inside (at dusk; 0 by day). */
  windowsLit: number;
}

export const LIGHTING_KINDS = ['day', 'low sun', 'overcast', 'dusk'] as const;
export type LightingKind = (typeof LIGHTING_KINDS)[number];

const deg = (d: number) => (d * Math.PI) / 180;

/**
 * Nearly half the scenes in daylight, a fifth each with a low, warm sun (morning, evening) and overcast, the rest
 * at dusk: the sun just above the horizon, a dim red sky and lit windows.
 */
export function drawLighting(random: Random): Lighting {
  const azimuth = random.uniform(-Math.PI, Math.PI);
  const roll = random.next();
  const kind: LightingKind =
    roll < 0.45 ? 'day' : roll < 0.65 ? 'low sun' : roll < 0.85 ? 'overcast' : 'dusk';
  const elevation =
    kind === 'low sun'
      ? deg(random.uniform(8, 20))
      : kind === 'dusk'
        ? deg(random.uniform(6, 9))
        : deg(random.uniform(35, 70));
  const sun = [
    Math.cos(elevation) * Math.cos(azimuth),
    Math.cos(elevation) * Math.sin(azimuth),
    Math.sin(elevation),
  ] as const;
  if (kind === 'low sun') {
    return {
      kind,
      sun,
      sunColour: [1, 0.82, 0.62],
      boxAmbient: 0.25,
      boxDirect: 0.75,
      groundAmbient: 0.42,
      groundDirect: 0.7,
      skyZenith: [0.35, 0.45, 0.72],
      horizon: [0.95, 0.8, 0.64],
      fogDistanceM: 220,
      windowsLit: 0,
    };
  }
  if (kind === 'dusk') {
    return {
      kind,
      sun,
      sunColour: [1, 0.6, 0.4],
      boxAmbient: 0.18,
      boxDirect: 0.45,
      groundAmbient: 0.25,
      groundDirect: 0.6,
      skyZenith: [0.2, 0.22, 0.42],
      horizon: [0.8, 0.52, 0.42],
      fogDistanceM: 200,
      windowsLit: random.uniform(0.35, 0.65),
    };
  }
  if (kind === 'overcast') {
    return {
      kind,
      sun,
      sunColour: [1, 1, 1],
      boxAmbient: 0.48,
      boxDirect: 0.3,
      groundAmbient: 0.7,
      groundDirect: 0.2,
      skyZenith: [0.62, 0.65, 0.7],
      horizon: [0.8, 0.81, 0.83],
      fogDistanceM: 170,
      windowsLit: 0,
    };
  }
  return {
    kind,
    sun,
    sunColour: [1, 1, 1],
    boxAmbient: 0.3,
    boxDirect: 0.6,
    groundAmbient: 0.45,
    groundDirect: 0.55,
    skyZenith: [0.42, 0.58, 0.85],
    horizon: [0.82, 0.86, 0.9],
    fogDistanceM: 260,
    windowsLit: 0,
  };
}
