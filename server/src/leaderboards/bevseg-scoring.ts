/**
 * Scoring of nuscenes-bev-seg submissions: BEVFusion IoU of probability arrays against mask arrays, both in one of
 * nuscenes-eval-ts's two .npy layouts (a directory with tokens.json and one <token>.npy per sample, or a stacked
 * NAME.npy with NAME.tokens.json).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BEVFUSION_MAP_CLASSES, evaluateSegmentationFiles, NpyError, openArraySet } from 'nuscenes-eval-ts';
import { unpackResultsArchive } from './results-archive.ts';

const stackedTokens = (npy: string) => `${npy.slice(0, -'.npy'.length)}.tokens.json`;

/** The array set inside `dir`: the directory itself with tokens.json, or its one stacked NAME.npy. */
export function locateArraySet(dir: string): string {
  if (existsSync(join(dir, 'tokens.json'))) return dir;
  const stacked = readdirSync(dir)
    .filter((n) => n.endsWith('.npy') && existsSync(join(dir, stackedTokens(n))))
    .map((n) => join(dir, n));
  if (stacked.length === 1) return stacked[0];
  throw new NpyError(
    dir,
    stacked.length > 1
      ? `holds ${stacked.length} stacked arrays with a .tokens.json; send one`
      : 'must hold tokens.json with one <sample_token>.npy per sample, or one NAME.npy [N, 6, H, W] with NAME.tokens.json',
  );
}

/** The files of an operator's GT set (a directory or a stacked .npy), as they are copied for the server. */
export function segmentationGroundTruthFiles(path: string): { from: string; name: string }[] {
  const set = openArraySet(path);
  try {
    if (!statSync(path).isDirectory()) {
      return [
        { from: path, name: basename(path) },
        { from: stackedTokens(path), name: stackedTokens(basename(path)) },
      ];
    }
    return [
      { from: join(path, 'tokens.json'), name: 'tokens.json' },
      ...set.tokens.map((t) => ({ from: join(path, `${t}.npy`), name: `${t}.npy` })),
    ];
  } finally {
    set.close();
  }
}

/** Checks every GT item is a [6, H, W] uint8 or bool mask of one size; says what the set holds. */
export function describeSegmentationGroundTruth(path: string): string {
  const set = openArraySet(path);
  try {
    let size = '';
    for (const token of set.tokens) {
      const item = set.read(token);
      if (item.dtype !== 'uint8' && item.dtype !== 'bool') {
        throw new NpyError(item.source, `GT masks must be uint8 or bool, got ${item.dtype}`);
      }
      const shape = JSON.stringify(item.shape);
      if (item.shape.length !== 3 || item.shape[0] !== BEVFUSION_MAP_CLASSES.length) {
        throw new NpyError(
          item.source,
          `must have shape [${BEVFUSION_MAP_CLASSES.length}, H, W], got ${shape}`,
        );
      }
      if (size !== '' && shape !== size)
        throw new NpyError(item.source, `has shape ${shape}, the first item ${size}`);
      size = shape;
    }
    return `${set.tokens.length} samples of ${size || 'no'} masks`;
  } finally {
    set.close();
  }
}

/** mIoU: the mean over the six classes of the best IoU across thresholds (`map/mean/iou@max`). */
export async function scoreSegmentationArchive(
  archive: string,
  groundTruth: string,
  workDir: string,
  maxBytes: number,
): Promise<Record<string, number>> {
  const dir = join(workDir, 'results');
  await unpackResultsArchive(archive, dir, maxBytes);
  const { metrics } = evaluateSegmentationFiles(locateArraySet(dir), groundTruth);
  return { mIoU: metrics['map/mean/iou@max'] };
}
