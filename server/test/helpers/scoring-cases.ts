/**
 * Inputs for scoring tests, built from the reference fixtures of nuscenes-eval-ts (MapTR and BEVFusion outputs):
 * written in the forms a submitter and an operator use, with the metrics the reference computed.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeNpy } from 'nuscenes-eval-ts';
import { create } from 'tar';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(
      new URL(`../../../packages/nuscenes-eval-ts/test/fixtures/${name}`, import.meta.url),
      'utf8',
    ),
  ) as unknown;

interface ChamferFixture {
  cases: {
    gen_results: { vectors: unknown[] }[];
    annotations: { vectors: unknown[] }[];
    expected: Record<string, number>;
  }[];
}

/** A MapTR GT file and results body for the first reference case; samples are named `map-<i>`. */
export function mapCase() {
  const c = (fixture('maptr_chamfer.json') as ChamferFixture).cases[0];
  const token = (i: number) => `map-${i}`;
  return {
    gt: { GTs: c.annotations.map((a, i) => ({ sample_token: token(i), vectors: a.vectors })) },
    results: {
      meta: { use_camera: true },
      results: c.gen_results.map((r, i) => ({ sample_token: token(i), vectors: r.vectors })),
    },
    expected: c.expected,
  };
}

interface SegFixture {
  samples: { masks_bev: number[][][]; gt_masks_bev: number[][][] }[];
  expected: Record<string, number>;
}

export interface SegmentationCase {
  tokens: string[];
  probabilities: Float32Array[];
  masks: Uint8Array[];
  /** [6, H, W] of one sample. */
  shape: number[];
  expected: Record<string, number>;
}

export function segmentationCase(): SegmentationCase {
  const fx = fixture('bevfusion_mapseg.json') as SegFixture;
  const first = fx.samples[0].masks_bev;
  return {
    tokens: fx.samples.map((_, i) => `seg-${i}`),
    probabilities: fx.samples.map((s) => Float32Array.from(s.masks_bev.flat(2))),
    masks: fx.samples.map((s) => Uint8Array.from(s.gt_masks_bev.flat(2))),
    shape: [first.length, first[0].length, first[0][0].length],
    expected: fx.expected,
  };
}

/** GT masks as a stacked `masks.npy` [N, 6, H, W] with `masks.tokens.json`; returns the .npy path. */
export async function writeStackedMasks(dir: string, c: SegmentationCase): Promise<string> {
  await mkdir(dir, { recursive: true });
  const all = new Uint8Array(c.masks.reduce((n, m) => n + m.length, 0));
  for (const [i, m] of c.masks.entries()) all.set(m, i * m.length);
  writeNpy(join(dir, 'masks.npy'), '|u1', [c.tokens.length, ...c.shape], all);
  await writeFile(join(dir, 'masks.tokens.json'), JSON.stringify(c.tokens));
  return join(dir, 'masks.npy');
}

/**
 * A gzip tar of the probabilities in the directory layout (tokens.json + <token>.npy); `extra` adds members
 * as they are named (e.g. `nested/x.npy`), `shape` overrides the written shape.
 */
export async function writeProbabilityArchive(
  dir: string,
  c: SegmentationCase,
  options: { extra?: Record<string, string>; shape?: number[] } = {},
): Promise<string> {
  const content = join(dir, 'content');
  await mkdir(content, { recursive: true });
  await writeFile(join(content, 'tokens.json'), JSON.stringify(c.tokens));
  c.tokens.forEach((t, i) => {
    writeNpy(join(content, `${t}.npy`), '<f4', options.shape ?? c.shape, c.probabilities[i]);
  });
  for (const [name, text] of Object.entries(options.extra ?? {})) {
    await mkdir(join(content, name, '..'), { recursive: true });
    await writeFile(join(content, name), text);
  }
  const archive = join(dir, 'probs.tar.gz');
  await create({ gzip: true, file: archive, cwd: content }, [
    'tokens.json',
    ...c.tokens.map((t) => `${t}.npy`),
    ...Object.keys(options.extra ?? {}),
  ]);
  return archive;
}
