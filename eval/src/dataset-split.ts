/**
 * A nuScenes split opened from a dataroot as the devkit selects it: the split's scene names (the bundled official
 * splits or a user's split file), checked against the version, and the split's samples in sample-table order.
 */
import { NuScenes, readSplitFile, splitSceneNames, splitVersionMismatch } from '@mim4d/dataset';
import { InputError } from './cli/shared/exit-codes.ts';

export interface DatasetSplit {
  dataroot: string;
  version: string;
  split: string;
  /** JSON `{split: [scene names]}`: custom splits, or lists that replace the bundled official ones. */
  splitFile?: string;
}

type SampleRecord = NuScenes['tables']['sample'][number];

export interface OpenedSplit {
  nusc: NuScenes;
  /** The split's samples, in the order of the dataroot's sample table. */
  samples: SampleRecord[];
}

export async function openDatasetSplit(spec: DatasetSplit): Promise<OpenedSplit> {
  const mismatch = splitVersionMismatch(spec.split, spec.version);
  if (mismatch !== null) throw new InputError(mismatch);
  let nusc: NuScenes;
  let sceneNames: readonly string[];
  try {
    const splitFile = spec.splitFile ? await readSplitFile(spec.splitFile) : undefined;
    sceneNames = splitSceneNames(spec.split, splitFile, spec.splitFile);
    nusc = await NuScenes.open(spec.dataroot, spec.version);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  const inSplit = new Set(sceneNames);
  const sceneName = new Map(nusc.tables.scene.map((s) => [s.token, s.name]));
  const samples = nusc.tables.sample.filter((s) => inSplit.has(sceneName.get(s.scene_token) ?? ''));
  if (samples.length === 0) {
    throw new InputError(`split ${spec.split} has no samples in ${spec.dataroot}/${spec.version}`);
  }
  return { nusc, samples };
}
