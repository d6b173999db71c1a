import { NuScenes, readSplitFile, splitSamples, splitSceneNames, splitVersionMismatch } from '@mim4d/dataset';

export interface FinetuneSplitOptions {
  dataroot: string;
  version: string;
  trainSplit: string;
  valSplit: string;
  /** JSON `{split: [scene names]}` for custom splits (the official ones are bundled). */
  splitFile?: string;
}

export interface FinetuneSplits {
  /** What was opened, as given. */
  options: FinetuneSplitOptions;
  nusc: NuScenes;
  /** Sample tokens of each split, in sample-table order. */
  train: string[];
  val: string[];
}

/**
 * Opens a dataroot and the fine-tuning and validation splits: disjoint sets of scenes, both non-empty, and the
 * validation split annotated (a head is scored against its boxes or map), so a head is never evaluated on scenes it
 * trained on.
 */
export async function openFinetuneSplits(options: FinetuneSplitOptions): Promise<FinetuneSplits> {
  const { dataroot, version, trainSplit, valSplit } = options;
  for (const [split, flag] of [
    [trainSplit, '--train-split'],
    [valSplit, '--val-split'],
  ]) {
    const mismatch = splitVersionMismatch(split, version, flag);
    if (mismatch !== null) throw new Error(mismatch);
  }
  const file = options.splitFile === undefined ? undefined : await readSplitFile(options.splitFile);
  const trainScenes = new Set(splitSceneNames(trainSplit, file, options.splitFile));
  const valScenes = new Set(splitSceneNames(valSplit, file, options.splitFile));
  const shared = [...trainScenes].filter((s) => valScenes.has(s));
  if (shared.length > 0) {
    throw new Error(
      `--train-split ${trainSplit} and --val-split ${valSplit} share scenes (${shared.slice(0, 3).join(', ')}${shared.length > 3 ? ', ...' : ''}): a head must not be evaluated where it trained`,
    );
  }
  const nusc = await NuScenes.open(dataroot, version);
  // A dataroot may hold part of a split (the synthetic generator makes the first few mini scenes).
  const tokensOf = (scenes: Set<string>, split: string, flag: string) => {
    const tokens = splitSamples(nusc, [...scenes], { allowMissing: true }).samples.map((s) => s.token);
    if (tokens.length === 0) {
      throw new Error(`${flag} ${split}: none of its scenes is in ${dataroot} (${version})`);
    }
    return tokens;
  };
  const train = tokensOf(trainScenes, trainSplit, '--train-split');
  const val = tokensOf(valScenes, valSplit, '--val-split');
  if (!val.some((token) => nusc.annotations(token).length > 0)) {
    throw new Error(
      `--val-split ${valSplit}: ${dataroot} (${version}) has no annotations for its samples, so it cannot be evaluated`,
    );
  }
  return { options, nusc, train, val };
}
