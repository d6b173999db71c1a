import { readFile } from 'node:fs/promises';

/**
 * Official nuScenes scene splits, by scene name. The mini splits are short enough to embed; the train / val /
 * test lists (850 + 150 names) live in nuscenes-devkit's `utils/splits.py` and are supplied by the user as a
 * JSON file `{ "<split>": ["scene-0001", ...] }` (e.g. exported once from an installed devkit).
 */
export const MINI_SPLITS: Readonly<Record<'mini_train' | 'mini_val', readonly string[]>> = {
  mini_train: [
    'scene-0061',
    'scene-0553',
    'scene-0655',
    'scene-0757',
    'scene-0796',
    'scene-1077',
    'scene-1094',
    'scene-1100',
  ],
  mini_val: ['scene-0103', 'scene-0916'],
};

/** The devkit's split names; all but the mini ones need a split file. */
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

const EXPORT_HINT =
  'export it once from nuscenes-devkit, e.g. python3 -c "import json; from nuscenes.utils.splits import create_splits_scenes as c; print(json.dumps(c()))" > splits.json, and pass that file';

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
 * Scene names of `split`: mini splits from the embedded lists (a split file may override them), the others
 * from `splitFile`. Unknown names and a missing list are errors that say what to do.
 */
export function splitSceneNames(
  split: string,
  splitFile?: SplitFile,
  splitFilePath = 'the split file',
): readonly string[] {
  if (!(SPLIT_NAMES as readonly string[]).includes(split)) {
    throw new Error(`unknown split "${split}": valid splits are ${SPLIT_NAMES.join(', ')}`);
  }
  const fromFile = splitFile?.[split];
  if (fromFile !== undefined) return fromFile;
  if (split === 'mini_train' || split === 'mini_val') return MINI_SPLITS[split];
  if (splitFile === undefined) {
    throw new Error(
      `split "${split}" needs its scene list, which is not bundled (only the mini splits are): ${EXPORT_HINT}`,
    );
  }
  throw new Error(
    `split "${split}" is not in ${splitFilePath} (it has: ${Object.keys(splitFile).join(', ') || 'nothing'}); ${EXPORT_HINT}`,
  );
}
