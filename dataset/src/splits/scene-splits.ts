import { readFile } from 'node:fs/promises';
import officialSplits from './nuscenes-splits.json' with { type: 'json' };

/** The devkit's split names. */
export const SPLIT_NAMES = [
  'mini_train',
  'mini_val',
  'train',
  'val',
  'test',
  'train_detect',
  'train_track',
] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/**
 * The official nuScenes scene splits by scene name, as nuscenes-devkit's `utils/splits.py` defines them (train 700,
 * val 150, test 150, mini_train 8, mini_val 2, train_detect 350, train_track 350; each list sorted). Bundled, so
 * every official split works without a split file.
 */
export const OFFICIAL_SPLITS: Readonly<Record<SplitName, readonly string[]>> = officialSplits;

export const MINI_SPLITS: Readonly<Record<'mini_train' | 'mini_val', readonly string[]>> = {
  mini_train: OFFICIAL_SPLITS.mini_train,
  mini_val: OFFICIAL_SPLITS.mini_val,
};

/** Scene-name lists read from a split file, checked. */
export type SplitFile = Readonly<Record<string, readonly string[]>>;

export async function readSplitFile(path: string): Promise<SplitFile> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`split file ${path}: ${err.code === 'ENOENT' ? 'file not found' : err.message}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`split file ${path}: invalid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`split file ${path}: expected an object { "<split>": ["scene-xxxx", ...] }`);
  }
  for (const [split, names] of Object.entries(parsed)) {
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && n !== '')) {
      throw new Error(`split file ${path}: split "${split}" must be an array of scene names`);
    }
    const seen = new Set<string>();
    for (const name of names as string[]) {
      if (seen.has(name)) throw new Error(`split file ${path}: split "${split}" lists scene "${name}" twice`);
      seen.add(name);
    }
  }
  return parsed as SplitFile;
}

/**
 * Scene names of `split`: from `splitFile` when it lists that split (a custom split, or a custom list under an
 * official name), else the bundled official list. A name that is neither is an error listing what there is.
 */
export function splitSceneNames(
  split: string,
  splitFile?: SplitFile,
  splitFilePath = 'the split file',
): readonly string[] {
  const fromFile = splitFile && Object.hasOwn(splitFile, split) ? splitFile[split] : undefined;
  if (fromFile !== undefined) return fromFile;
  if ((SPLIT_NAMES as readonly string[]).includes(split)) return OFFICIAL_SPLITS[split as SplitName];
  const custom = splitFile
    ? `; ${splitFilePath} has ${Object.keys(splitFile).join(', ') || 'no splits'}`
    : '';
  throw new Error(`unknown split "${split}": the official splits are ${SPLIT_NAMES.join(', ')}${custom}`);
}

/** The nuScenes version each official split belongs to (the devkit refuses e.g. `val` on v1.0-mini). */
const SPLIT_VERSION: Readonly<Record<string, string>> = {
  train: 'trainval',
  val: 'trainval',
  train_detect: 'trainval',
  train_track: 'trainval',
  mini_train: 'mini',
  mini_val: 'mini',
  test: 'test',
};

/** Why `split` cannot be taken from `version` (named as `flag` in the message), or null when it can. */
export function splitVersionMismatch(split: string, version: string, flag = '--split'): string | null {
  const suffix = SPLIT_VERSION[split];
  return suffix !== undefined && !version.endsWith(suffix)
    ? `${flag} ${split} needs a ${suffix} version of nuScenes, not --version ${version}`
    : null;
}
