import type { MapLocation } from '../map/expansion-types.ts';
import type { Random } from './random.ts';
import type { Town } from './town.ts';

type Rgb = readonly [number, number, number];

/**
 * How a neighbourhood's buildings look: facade materials and the grid of windows on them (floors, window bays, a
 * storefront band at street level). The regular window grid is what gives a facade its perspective and scale cues
 * in the cameras, as real facades do.
 */
export interface BuildingStyle {
  name: BuildingStyleName;
  /** Facade colours (linear RGB); each building takes one, times the brightness the town gave it. */
  palette: readonly Rgb[];
  /** Storey height and window spacing along the facade, metres. */
  floorM: number;
  bayM: number;
  /** Window width as a fraction of a bay, height as a fraction of a storey. */
  windowWidth: number;
  windowHeight: number;
  /** Height of a shop-window band at street level, metres; 0: none. */
  shopfrontM: number;
  /** Glass colour (linear RGB) before the sky's reflection. */
  glass: Rgb;
  /** LiDAR return intensity 0..255 of the facade. */
  intensity: number;
  /** Chance that a side of a block in this style has street trees in front. */
  streetTrees: number;
}

export const BUILDING_STYLE_NAMES = ['brick', 'concrete', 'glass', 'plaster'] as const;
export type BuildingStyleName = (typeof BUILDING_STYLE_NAMES)[number];

export const BUILDING_STYLES: Record<BuildingStyleName, BuildingStyle> = {
  brick: {
    name: 'brick',
    palette: [
      [0.62, 0.3, 0.22],
      [0.55, 0.33, 0.26],
      [0.7, 0.42, 0.3],
      [0.48, 0.27, 0.22],
    ],
    floorM: 3.1,
    bayM: 2.6,
    windowWidth: 0.45,
    windowHeight: 0.55,
    shopfrontM: 3.6,
    glass: [0.1, 0.12, 0.15],
    intensity: 35,
    streetTrees: 0.6,
  },
  concrete: {
    name: 'concrete',
    palette: [
      [0.72, 0.71, 0.68],
      [0.62, 0.62, 0.6],
      [0.78, 0.74, 0.64],
      [0.66, 0.68, 0.7],
    ],
    floorM: 3.4,
    bayM: 4,
    windowWidth: 0.85,
    windowHeight: 0.4,
    shopfrontM: 0,
    glass: [0.14, 0.17, 0.21],
    intensity: 40,
    streetTrees: 0.45,
  },
  glass: {
    name: 'glass',
    palette: [
      [0.45, 0.55, 0.62],
      [0.38, 0.48, 0.5],
      [0.55, 0.58, 0.6],
    ],
    floorM: 3.9,
    bayM: 1.6,
    windowWidth: 0.88,
    windowHeight: 0.82,
    shopfrontM: 4.5,
    glass: [0.16, 0.24, 0.3],
    intensity: 18,
    streetTrees: 0.3,
  },
  plaster: {
    name: 'plaster',
    palette: [
      [0.92, 0.84, 0.62],
      [0.82, 0.9, 0.84],
      [0.93, 0.78, 0.74],
      [0.8, 0.85, 0.95],
      [0.95, 0.93, 0.88],
    ],
    floorM: 3.3,
    bayM: 3.2,
    windowWidth: 0.4,
    windowHeight: 0.5,
    shopfrontM: 3.4,
    glass: [0.12, 0.13, 0.14],
    intensity: 38,
    streetTrees: 0.5,
  },
};

/**
 * Style weights per city: Boston's seaport of brick warehouses and glass offices, Singapore's concrete housing
 * blocks, plastered shophouses and towers.
 */
const CITY_STYLE_WEIGHTS: Record<'boston' | 'singapore', Record<BuildingStyleName, number>> = {
  boston: { brick: 0.45, concrete: 0.2, glass: 0.3, plaster: 0.05 },
  singapore: { brick: 0.05, concrete: 0.4, glass: 0.2, plaster: 0.35 },
};

/** The facade of one building: its style, and the colour it takes from the style's palette. */
export interface BuildingFacade {
  style: BuildingStyle;
  colour: Rgb;
}

/**
 * The style of every block of the town (undefined where the block holds no buildings) and the facade of each of
 * its buildings. A town's neighbourhoods mix styles; every block is one style, as a street of one era is.
 */
export interface TownStyles {
  blocks: readonly (BuildingStyleName | undefined)[];
  /** Per block, per building (the order of Block.buildings). */
  facades: readonly (readonly BuildingFacade[])[];
}

export function styleTown(town: Pick<Town, 'location' | 'blocks'>, random: Random): TownStyles {
  const weights = CITY_STYLE_WEIGHTS[cityOf(town.location)];
  // Neighbouring blocks tend to share a style: each block keeps the previous one's with this chance.
  const KEEP = 0.45;
  let previous: BuildingStyleName | undefined;
  const blocks: (BuildingStyleName | undefined)[] = [];
  const facades: BuildingFacade[][] = [];
  for (const block of town.blocks) {
    if (block.kind !== 'buildings') {
      blocks.push(undefined);
      facades.push([]);
      continue;
    }
    const name: BuildingStyleName =
      previous !== undefined && random.chance(KEEP) ? previous : pickWeighted(weights, random);
    previous = name;
    const style = BUILDING_STYLES[name];
    blocks.push(name);
    facades.push(
      block.buildings.map((b) => {
        const base = random.pick(style.palette);
        // The town's colour varies each building's brightness (and tints it slightly) within the style.
        const brightness = (b.colour[0] + b.colour[1] + b.colour[2]) / 3;
        const k = 0.75 + 0.5 * ((brightness - 0.45) / 0.4);
        const channel = (c: 0 | 1 | 2) =>
          Math.min(1, (base[c] * k * b.colour[c]) / Math.max(1e-6, brightness));
        const colour: Rgb = [channel(0), channel(1), channel(2)];
        return { style, colour };
      }),
    );
  }
  return { blocks, facades };
}

function cityOf(location: MapLocation): 'boston' | 'singapore' {
  return location.startsWith('boston') ? 'boston' : 'singapore';
}

function pickWeighted(weights: Record<BuildingStyleName, number>, random: Random): BuildingStyleName {
  const total = BUILDING_STYLE_NAMES.reduce((s, n) => s + weights[n], 0);
  let roll = random.next() * total;
  for (const name of BUILDING_STYLE_NAMES) {
    roll -= weights[name];
    if (roll < 0) return name;
  }
  return BUILDING_STYLE_NAMES[BUILDING_STYLE_NAMES.length - 1];
}
