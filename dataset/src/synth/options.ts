import type { MapLocation } from '../map/expansion-types.ts';

/** Options of one synthetic-dataset generation; see `resolveSynthOptions` for defaults and limits. */
export interface SynthOptions {
  /** Output dataroot (the folder that will hold samples/, sweeps/, maps/ and the version folder). */
  out: string;
  /** Number of scenes, 1..10 (the official v1.0-mini scene names; see MINI_SCENES). */
  scenes: number;
  /** Key frames (samples) per scene, at 2 Hz. */
  samples: number;
  /** Camera sweeps (non-key frames) before each key frame. nuScenes cameras run at ~12 Hz, i.e. 5. */
  sweeps: number;
  /** LiDAR sweeps before each key frame. nuScenes LiDAR runs at 20 Hz, i.e. 9. */
  lidarSweeps: number;
  /** Image size in pixels; intrinsics are nuScenes' (1600x900) scaled to it. */
  width: number;
  height: number;
  /** Seed; the same seed and options give byte-identical output. */
  seed: number;
  /** JPEG quality 1..100. */
  jpegQuality: number;
  /** Version folder name. */
  version: string;
}

export const SYNTH_DEFAULTS: Omit<SynthOptions, 'out'> = {
  scenes: 4,
  samples: 10,
  sweeps: 2,
  lidarSweeps: 3,
  width: 400,
  height: 225,
  seed: 0,
  jpegQuality: 90,
  version: 'v1.0-mini',
};

/**
 * The official v1.0-mini scenes and their split, in the order scenes are generated: three mini_train scenes
 * then one mini_val scene first, so that the default 4 scenes cover both splits. Each scene is generated at its
 * real scene's map location.
 */
export const MINI_SCENES: readonly {
  name: string;
  split: 'mini_train' | 'mini_val';
  location: MapLocation;
}[] = [
  { name: 'scene-0061', split: 'mini_train', location: 'singapore-onenorth' },
  { name: 'scene-0553', split: 'mini_train', location: 'boston-seaport' },
  { name: 'scene-0655', split: 'mini_train', location: 'boston-seaport' },
  { name: 'scene-0103', split: 'mini_val', location: 'boston-seaport' },
  { name: 'scene-0757', split: 'mini_train', location: 'boston-seaport' },
  { name: 'scene-0796', split: 'mini_train', location: 'singapore-queenstown' },
  { name: 'scene-1077', split: 'mini_train', location: 'singapore-hollandvillage' },
  { name: 'scene-0916', split: 'mini_val', location: 'singapore-queenstown' },
  { name: 'scene-1094', split: 'mini_train', location: 'singapore-hollandvillage' },
  { name: 'scene-1100', split: 'mini_train', location: 'singapore-hollandvillage' },
];

const LIMITS: Record<
  keyof Pick<
    SynthOptions,
    'scenes' | 'samples' | 'sweeps' | 'lidarSweeps' | 'width' | 'height' | 'jpegQuality'
  >,
  [number, number]
> = {
  scenes: [1, MINI_SCENES.length],
  samples: [2, 60],
  sweeps: [0, 11],
  lidarSweeps: [0, 19],
  width: [16, 3200],
  height: [16, 1800],
  jpegQuality: [1, 100],
};

/** Fills defaults and checks every option; the error names the option and the accepted range. */
export function resolveSynthOptions(partial: Partial<SynthOptions> & { out: string }): SynthOptions {
  const options: SynthOptions = { ...SYNTH_DEFAULTS, ...stripUndefined(partial), out: partial.out };
  if (typeof options.out !== 'string' || options.out.length === 0)
    throw new Error('synth: --out must name a folder');
  for (const [key, [lo, hi]] of Object.entries(LIMITS) as [keyof typeof LIMITS, [number, number]][]) {
    const value = options[key];
    if (!Number.isInteger(value) || value < lo || value > hi) {
      const more =
        key === 'scenes'
          ? ` (scene names come from the official v1.0-mini splits, which have ${MINI_SCENES.length} scenes)`
          : '';
      throw new Error(
        `synth: --${optionFlag(key)} must be an integer in [${lo}, ${hi}], got ${String(value)}${more}`,
      );
    }
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new Error(`synth: --seed must be an integer in [0, 4294967295], got ${String(options.seed)}`);
  }
  if (!/^v1\.0-[a-z]+$/.test(options.version)) {
    throw new Error(`synth: --version must look like v1.0-mini, got ${JSON.stringify(options.version)}`);
  }
  return options;
}

function optionFlag(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
