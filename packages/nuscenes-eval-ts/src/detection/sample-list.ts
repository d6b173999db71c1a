/**
 * Parsing a sample's list of boxes from the bytes the scanner cut out (sample-scanner.ts). Kept apart from the
 * scanner so that the parsing can run on worker threads while the scanner keeps reading.
 */
import { isAscii } from 'node:buffer';
import { COMMA, isSpace } from '../json/bytes.ts';
import { DetectionInputError } from './errors.ts';

/** bytes[from, to) as a string; pure ASCII (the usual case) decodes faster as latin1, to the same text. */
function decode(bytes: Uint8Array, from: number, to: number, ascii: boolean): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(
    ascii ? 'latin1' : 'utf8',
    from,
    to,
  );
}

function parseText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DetectionInputError(where, `invalid JSON (${(err as Error).message})`);
  }
}

/** A whole JSON value; a syntax error is reported at `where`. */
export function parseJsonBytes(bytes: Uint8Array, where: string): unknown {
  return parseText(decode(bytes, 0, bytes.length, isAscii(bytes)), where);
}

/** Whether bytes[from, to) hold only whitespace and, if `comma`, exactly one comma. */
function isSeparator(bytes: Uint8Array, from: number, to: number, comma: boolean): boolean {
  let commas = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if (c === COMMA) commas++;
    else if (!isSpace(c)) return false;
  }
  return commas === (comma ? 1 : 0);
}

/**
 * Whether a sample's list (`bytes` from `[` to `]`) is a plain non-empty list of objects, given where its
 * objects start and end: only separators between them.
 */
export function isBoxList(
  bytes: Uint8Array,
  boxStarts: ArrayLike<number>,
  boxEnds: ArrayLike<number>,
): boolean {
  const n = boxStarts.length;
  let plain = n > 0 && boxEnds.length === n;
  for (let k = 0; plain && k <= n; k++) {
    const from = k === 0 ? 1 : boxEnds[k - 1];
    const to = k === n ? bytes.length - 1 : boxStarts[k];
    plain = isSeparator(bytes, from, to, k > 0 && k < n);
  }
  return plain;
}

/**
 * A sample's list (`bytes` from `[` to `]`) parsed box by box, given where its objects start and end: V8
 * allocates strings over ~100 KB in large-object space, which made decoding whole 500-box samples the slowest
 * step. Anything but a plain list of objects is parsed whole, so its errors are reported exactly as JSON.parse
 * words them, at `where`; a bad box is reported at `where[k]`.
 */
export function parseSampleList(
  bytes: Uint8Array,
  boxStarts: ArrayLike<number>,
  boxEnds: ArrayLike<number>,
  where: string,
): unknown {
  const n = boxStarts.length;
  const ascii = isAscii(bytes);
  if (!isBoxList(bytes, boxStarts, boxEnds)) return parseText(decode(bytes, 0, bytes.length, ascii), where);
  const boxes = new Array<unknown>(n);
  for (let k = 0; k < n; k++) {
    boxes[k] = parseText(decode(bytes, boxStarts[k], boxEnds[k], ascii), `${where}[${k}]`);
  }
  return boxes;
}
