/**
 * A set of per-sample BEV arrays, in one of the two documented layouts (see the package README):
 * - a directory with `tokens.json` (sample tokens, in dataset order) and one `<token>.npy` [C, H, W] each;
 * - one stacked `FILE.npy` [N, C, H, W] with `FILE.tokens.json` beside it naming item i's sample.
 * Items are read one at a time, so a split never sits in memory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { type NpyData, type NpyDtype, NpyError, NpyFile } from './npy.ts';

const schemaDir = new URL('../../schemas/', import.meta.url);
let tokensValidator: ValidateFunction | undefined;

function validateTokens(file: string, value: unknown): string[] {
  if (!tokensValidator) {
    const schema = JSON.parse(readFileSync(new URL('bevseg-tokens.json', schemaDir), 'utf8')) as object;
    tokensValidator = new Ajv({ strict: true }).compile(schema);
  }
  if (!tokensValidator(value)) {
    const e = (tokensValidator.errors ?? [])[0];
    throw new NpyError(file, `${e.instancePath || '/'}: ${e.message} (schema rule "${e.keyword}")`);
  }
  return value as string[];
}

function readTokens(file: string): string[] {
  if (!existsSync(file)) throw new NpyError(file, 'is missing: it lists the sample tokens of the arrays');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new NpyError(file, `invalid JSON: ${(e as Error).message}`);
  }
  return validateTokens(file, value);
}

export interface ArraySetItem {
  readonly data: NpyData;
  readonly dtype: NpyDtype;
  /** [C, H, W] */
  readonly shape: readonly number[];
  /** The file it came from, for messages. */
  readonly source: string;
}

export interface ArraySet {
  /** Where the set lives, for messages. */
  readonly path: string;
  /** Sample tokens in the set's order. */
  readonly tokens: readonly string[];
  read(token: string): ArraySetItem;
  close(): void;
}

/** Opens a directory or a stacked .npy as described above. */
export function openArraySet(path: string): ArraySet {
  if (!existsSync(path)) throw new NpyError(path, 'does not exist');
  return statSync(path).isDirectory() ? openDirectory(path) : openStacked(path);
}

function openDirectory(dir: string): ArraySet {
  const tokens = readTokens(join(dir, 'tokens.json'));
  return {
    path: dir,
    tokens,
    read(token) {
      const file = join(dir, `${token}.npy`);
      const npy = NpyFile.open(file);
      try {
        return { data: npy.readAll(), dtype: npy.header.dtype, shape: npy.header.shape, source: file };
      } finally {
        npy.close();
      }
    },
    close() {},
  };
}

function openStacked(file: string): ArraySet {
  if (!file.endsWith('.npy')) throw new NpyError(file, 'must be a directory or a .npy file');
  const tokensFile = `${file.slice(0, -'.npy'.length)}.tokens.json`;
  const tokens = readTokens(tokensFile);
  const npy = NpyFile.open(file);
  const { shape, dtype } = npy.header;
  if (shape.length !== 4) {
    npy.close();
    throw new NpyError(file, `a stacked array must be [N, C, H, W], got shape ${JSON.stringify(shape)}`);
  }
  if (shape[0] !== tokens.length) {
    npy.close();
    throw new NpyError(file, `has ${shape[0]} items but ${tokensFile} names ${tokens.length} samples`);
  }
  const index = new Map(tokens.map((t, i) => [t, i]));
  return {
    path: file,
    tokens,
    read(token) {
      const i = index.get(token);
      if (i === undefined) throw new NpyError(file, `has no item for sample "${token}"`);
      const n = npy.itemLength;
      return { data: npy.read(i * n, n), dtype, shape: shape.slice(1), source: `${file}[${i}]` };
    },
    close() {
      npy.close();
    },
  };
}
