import { type FileHandle, open } from 'node:fs/promises';
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COMMA,
  isSpace,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from 'nuscenes-eval-ts/json-bytes';

/**
 * Reads a file holding one top-level JSON array of objects, record by record, without ever holding the whole
 * text: v1.0-trainval's sample_data.json is ~500 MB, near V8's maximum string length, so `JSON.parse` of the
 * file is not an option. stream-json can stream it but reports no positions and costs 2-4x the CPU time of
 * `JSON.parse` (bench/dataset-load.ts); here the bytes are only scanned for record boundaries and runs of whole
 * records go to `JSON.parse`, which costs about as much as parsing the file in one piece.
 */

/** Malformed or unreadable JSON; the message names the file, byte offset, line and column. */
export class JsonFileError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'JsonFileError';
    this.file = file;
  }
}

enum Top {
  BeforeArray,
  ValueOrEnd,
  Value,
  InValue,
  CommaOrEnd,
  AfterArray,
}

const NEWLINE = 0x0a;

/** A fault at a file offset; turned into a JsonFileError with line and column once the scan has stopped. */
class Fault {
  constructor(
    readonly offset: number,
    readonly what: string,
  ) {}
}

/** 1-based line and column of a byte offset, counted only when reporting an error. */
async function lineAndColumn(fh: FileHandle, offset: number): Promise<string> {
  const chunk = Buffer.allocUnsafe(1 << 20);
  let line = 1;
  let lineStart = 0;
  for (let pos = 0; pos < offset; ) {
    const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, offset - pos), pos);
    if (bytesRead === 0) break;
    for (let i = chunk.indexOf(NEWLINE); i !== -1 && i < bytesRead; i = chunk.indexOf(NEWLINE, i + 1)) {
      line++;
      lineStart = pos + i + 1;
    }
    pos += bytesRead;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * Streams the objects of `file`'s top-level array to `onRecord` in file order. The file is read into one
 * reused buffer of `chunkBytes` (grown only for a record larger than that); only an unfinished record is
 * carried over between reads.
 */
export async function readJsonArrayFile(
  file: string,
  onRecord: (record: unknown, index: number) => void,
  chunkBytes = 8 << 20,
): Promise<number> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new JsonFileError(
      file,
      code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`,
    );
  }
  try {
    return await scanFile(fh, onRecord, chunkBytes);
  } catch (err) {
    if (!(err instanceof Fault)) {
      if (err instanceof JsonFileError) throw err;
      throw new JsonFileError(file, `cannot read: ${(err as Error).message}`);
    }
    const where = await lineAndColumn(fh, err.offset).catch(() => 'position unknown');
    throw new JsonFileError(file, `invalid JSON at byte ${err.offset} (${where}): ${err.what}`);
  } finally {
    await fh.close();
  }
}

async function scanFile(
  fh: FileHandle,
  onRecord: (record: unknown, index: number) => void,
  chunkBytes: number,
): Promise<number> {
  const size = (await fh.stat()).size;
  let buf = Buffer.allocUnsafe(Math.max(1, Math.min(chunkBytes, size)));
  /** Valid bytes in buf. */
  let len = 0;
  /** File offset of buf[0]. */
  let base = 0;
  let state = Top.BeforeArray;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let recordStart = -1;
  let count = 0;
  /** buf[0, scannedTo) was scanned already (an unfinished record carried over). */
  let scannedTo = 0;

  const fail = (at: number, what: string): never => {
    throw new Fault(base + at, what);
  };

  /** Parses whole records buf[starts[i], ends[i]) in one JSON.parse; on failure finds the record at fault. */
  const emit = (starts: number[], ends: number[]): void => {
    if (starts.length === 0) return;
    const first = starts[0];
    const last = ends[ends.length - 1];
    let parsed: unknown[];
    try {
      parsed = JSON.parse(`[${buf.toString('utf8', first, last)}]`);
    } catch {
      for (let i = 0; i < starts.length; i++) {
        try {
          JSON.parse(buf.toString('utf8', starts[i], ends[i]));
        } catch (err) {
          fail(starts[i], `record #${count + i}: ${(err as Error).message}`);
        }
      }
      fail(first, 'records do not parse together');
      return;
    }
    for (const record of parsed) onRecord(record, count++);
  };

  const scan = (final: boolean): void => {
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = scannedTo; i < len; i++) {
      const c = buf[i];
      if (state === Top.InValue) {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) inString = false;
        } else if (c === QUOTE) inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          if (--depth === 0) {
            starts.push(recordStart);
            ends.push(i + 1);
            recordStart = -1;
            state = Top.CommaOrEnd;
          }
        }
        continue;
      }
      if (isSpace(c)) continue;
      switch (state) {
        case Top.BeforeArray:
          if (c !== OPEN_BRACKET) fail(i, 'expected "[" opening the array of records');
          state = Top.ValueOrEnd;
          break;
        case Top.ValueOrEnd:
        case Top.Value:
          if (c === CLOSE_BRACKET && state === Top.ValueOrEnd) state = Top.AfterArray;
          else if (c === OPEN_BRACE) {
            state = Top.InValue;
            depth = 1;
            recordStart = i;
          } else fail(i, `expected a "{" opening record #${count + starts.length}`);
          break;
        case Top.CommaOrEnd:
          if (c === COMMA) state = Top.Value;
          else if (c === CLOSE_BRACKET) state = Top.AfterArray;
          else fail(i, `expected "," or "]" after record #${count + starts.length - 1}`);
          break;
        case Top.AfterArray:
          fail(i, 'unexpected content after the closing "]"');
      }
    }
    scannedTo = len;
    emit(starts, ends);
    if (final) {
      if (state === Top.InValue) fail(recordStart, `record #${count} is not terminated (file truncated?)`);
      if (state !== Top.AfterArray) fail(len, 'unexpected end of file: the array is not closed by "]"');
      return;
    }
    // Keep only the unfinished record, moved to the front; everything before it has been parsed.
    const keep = recordStart === -1 ? len : recordStart;
    buf.copyWithin(0, keep, len);
    len -= keep;
    base += keep;
    scannedTo -= keep;
    if (recordStart !== -1) recordStart -= keep;
  };

  for (;;) {
    if (len === buf.length) {
      // One record fills the whole buffer: grow it.
      const grown = Buffer.allocUnsafe(2 * buf.length);
      buf.copy(grown, 0, 0, len);
      buf = grown;
    }
    const { bytesRead } = await fh.read(buf, len, buf.length - len, base + len);
    if (bytesRead === 0) break;
    len += bytesRead;
    scan(false);
  }
  scan(true);
  return count;
}
