import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';

/** One tensor's place in the weights file. */
interface TensorEntry {
  name: string;
  shape: number[];
  /** Float32 offset into weights.bin. */
  offset: number;
}

/** What a checkpoint holds: pretraining or a head's fine-tuning (a head's config is not a pretraining one). */
export type CheckpointFormat = 'mim4d-pretrain-checkpoint/1' | 'mim4d-finetune-checkpoint/1';

export const PRETRAIN_CHECKPOINT: CheckpointFormat = 'mim4d-pretrain-checkpoint/1';

/** checkpoint.json: everything but the numbers, which live in weights.bin (little-endian float32). */
export interface CheckpointMeta<C = Mim4dConfig> {
  format: CheckpointFormat;
  step: number;
  totalSteps: number;
  rngState: number;
  optimizerStep: number;
  config: C;
  params: TensorEntry[];
  adamM: TensorEntry[];
  adamV: TensorEntry[];
}

export interface CheckpointData<C = Mim4dConfig> {
  meta: CheckpointMeta<C>;
  params: Map<string, { shape: number[]; data: Float32Array }>;
  adamM: Map<string, { shape: number[]; data: Float32Array }>;
  adamV: Map<string, { shape: number[]; data: Float32Array }>;
}

export const CHECKPOINT_DIR = 'checkpoint';

function layout(vars: [string, tf.Tensor][], start: number): { entries: TensorEntry[]; end: number } {
  let offset = start;
  const entries = vars.map(([name, v]) => {
    const e = { name, shape: [...v.shape], offset };
    offset += v.size;
    return e;
  });
  return { entries, end: offset };
}

/** Writes checkpoint/ in runDir atomically: a crash mid-write leaves the previous checkpoint intact. */
export function saveCheckpoint<C>(
  runDir: string,
  format: CheckpointFormat,
  meta: Omit<CheckpointMeta<C>, 'format' | 'params' | 'adamM' | 'adamV'>,
  params: [string, tf.Tensor][],
  adamM: [string, tf.Tensor][],
  adamV: [string, tf.Tensor][],
): void {
  const p = layout(params, 0);
  const m = layout(adamM, p.end);
  const v = layout(adamV, m.end);
  const data = new Float32Array(v.end);
  for (const [list, entries] of [
    [params, p.entries],
    [adamM, m.entries],
    [adamV, v.entries],
  ] as const) {
    list.forEach(([, t], i) => {
      data.set(t.dataSync() as Float32Array, entries[i].offset);
    });
  }
  const full: CheckpointMeta<C> = {
    format,
    ...meta,
    params: p.entries,
    adamM: m.entries,
    adamV: v.entries,
  };
  const tmp = path.join(runDir, `${CHECKPOINT_DIR}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(path.join(tmp, 'weights.bin'), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  writeFileSync(path.join(tmp, 'checkpoint.json'), `${JSON.stringify(full, null, 1)}\n`);
  const final = path.join(runDir, CHECKPOINT_DIR);
  const old = path.join(runDir, `${CHECKPOINT_DIR}.old`);
  if (existsSync(final)) renameSync(final, old);
  renameSync(tmp, final);
  // Only once the new checkpoint is in place.
  rmSync(old, { recursive: true, force: true });
}

export function hasCheckpoint(runDir: string): boolean {
  return existsSync(path.join(runDir, CHECKPOINT_DIR, 'checkpoint.json'));
}

/** Reads and checks a checkpoint; errors name the file and the entry at fault. */
export function loadCheckpoint<C = Mim4dConfig>(
  runDir: string,
  format: CheckpointFormat = PRETRAIN_CHECKPOINT,
): CheckpointData<C> {
  const dir = path.join(runDir, CHECKPOINT_DIR);
  const metaPath = path.join(dir, 'checkpoint.json');
  const binPath = path.join(dir, 'weights.bin');
  if (!existsSync(metaPath)) throw new Error(`${metaPath}: no checkpoint (run the training first)`);
  let meta: CheckpointMeta<C>;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CheckpointMeta<C>;
  } catch (error) {
    throw new Error(`${metaPath}: not valid JSON (${(error as Error).message})`);
  }
  if (meta.format !== format) {
    throw new Error(`${metaPath}: format is ${JSON.stringify(meta.format)}, expected ${format}`);
  }
  const bytes = readFileSync(binPath);
  if (bytes.byteLength % 4 !== 0)
    throw new Error(`${binPath}: ${bytes.byteLength} bytes is not whole float32 values`);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const read = (entries: TensorEntry[], what: string) =>
    new Map(
      entries.map((e) => {
        const size = e.shape.reduce((a, b) => a * b, 1);
        if (!(e.offset >= 0 && e.offset + size <= data.length)) {
          throw new Error(
            `${binPath}: ${what} ${e.name} [${e.shape}] at ${e.offset} runs past the file (truncated?)`,
          );
        }
        return [e.name, { shape: e.shape, data: data.subarray(e.offset, e.offset + size) }];
      }),
    );
  return {
    meta,
    params: read(meta.params, 'parameter'),
    adamM: read(meta.adamM, 'Adam m'),
    adamV: read(meta.adamV, 'Adam v'),
  };
}
