import { decodeToFloat32, isReadableDtype, READABLE_DTYPES } from './dtypes.ts';
import { topLevelKeys } from './header-keys.ts';
import { METADATA_KEY } from './write-safetensors.ts';

/** One tensor as read: `dtype` is the stored one, `data` is always float32. */
export interface SafetensorsTensor {
  shape: number[];
  dtype: string;
  data: Float32Array;
}

export interface SafetensorsContents {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

/** The reference reader's cap on the header, against a hostile length making it allocate gigabytes. */
const MAX_HEADER_BYTES = 100_000_000;

interface Placed {
  name: string;
  dtype: keyof typeof READABLE_DTYPES;
  shape: number[];
  begin: number;
  end: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function readMetadata(value: unknown, source: string): Record<string, string> {
  if (!isPlainObject(value)) throw new Error(`${source}: ${METADATA_KEY} is not an object of strings`);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new Error(`${source}: ${METADATA_KEY}.${key} is ${JSON.stringify(v)}, not a string`);
    }
  }
  return value as Record<string, string>;
}

function readEntry(name: string, value: unknown, source: string): Placed {
  const at = `${source}: tensor ${name}`;
  if (!isPlainObject(value)) throw new Error(`${at}: entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') throw new Error(`${at}: dtype is missing`);
  if (!isReadableDtype(dtype)) {
    throw new Error(`${at}: dtype ${dtype} is not read (only ${Object.keys(READABLE_DTYPES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new Error(`${at}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new Error(`${at}: data_offsets ${JSON.stringify(offsets)} is not [begin, end] with begin <= end`);
  }
  const [begin, end] = offsets as number[];
  const bytes = shape.reduce((a: number, b: number) => a * b, 1) * READABLE_DTYPES[dtype];
  if (end - begin !== bytes) {
    throw new Error(
      `${at}: shape [${shape}] of ${dtype} is ${bytes} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

function parseHeader(bytes: Uint8Array, source: string): { json: string; dataStart: number } {
  if (bytes.length < 8) throw new Error(`${source}: ${bytes.length} bytes, too short for a safetensors file`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(bytes.length - 8)) {
    throw new Error(
      `${source}: header length ${length} runs past the end of the file (${bytes.length} bytes)`,
    );
  }
  if (length > MAX_HEADER_BYTES) throw new Error(`${source}: header length ${length} is over 100 MB`);
  const dataStart = 8 + Number(length);
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    throw new Error(`${source}: header is not valid UTF-8`);
  }
  return { json, dataStart };
}

/**
 * Reads a safetensors file with the reference reader's checks (huggingface/safetensors `read_metadata`): the
 * tensors, ordered by offset, must tile the data from its first to its last byte, and each one's byte span must
 * be its shape times its dtype size. F16, BF16 and F64 are widened or rounded to float32; other dtypes are refused.
 * Every error names `source` and the tensor or field at fault.
 */
export function readSafetensors(bytes: Uint8Array, source: string): SafetensorsContents {
  const { json, dataStart } = parseHeader(bytes, source);
  let header: unknown;
  try {
    header = JSON.parse(json);
  } catch (error) {
    throw new Error(`${source}: header is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(header)) throw new Error(`${source}: header is not a JSON object`);
  const seen = new Set<string>();
  for (const key of topLevelKeys(json)) {
    if (seen.has(key)) throw new Error(`${source}: header names ${key} twice`);
    seen.add(key);
  }
  let metadata: Record<string, string> = {};
  const placed: Placed[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = readMetadata(value, source);
    else placed.push(readEntry(name, value, source));
  }
  placed.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous = 'the data start';
  for (const t of placed) {
    if (t.begin !== expected) {
      const problem = t.begin < expected ? 'overlaps' : 'leaves a gap after';
      throw new Error(
        `${source}: tensor ${t.name} at data_offsets [${t.begin}, ${t.end}] ${problem} ${previous} ` +
          `(which ends at byte ${expected})`,
      );
    }
    expected = t.end;
    previous = `tensor ${t.name}`;
  }
  const dataLength = bytes.length - dataStart;
  if (expected > dataLength) {
    throw new Error(
      `${source}: ${previous} ends at data byte ${expected}, past the ${dataLength} bytes of data (truncated?)`,
    );
  }
  if (expected < dataLength) {
    throw new Error(`${source}: ${dataLength - expected} bytes after the end of ${previous}`);
  }
  const tensors = new Map<string, SafetensorsTensor>();
  for (const t of placed) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart + t.begin, t.end - t.begin);
    const count = (t.end - t.begin) / READABLE_DTYPES[t.dtype];
    tensors.set(t.name, { shape: t.shape, dtype: t.dtype, data: decodeToFloat32(view, t.dtype, count) });
  }
  return { tensors, metadata };
}
