import { createReadStream } from 'node:fs';

/**
 * Reads a file holding one top-level JSON array of objects, record by record, without ever holding the whole
 * text: v1.0-trainval's sample_data.json is ~500 MB, near V8's maximum string length, so `JSON.parse` of the
 * file is not an option. stream-json can stream it but reports no positions and runs an order of magnitude
 * slower; here the bytes are only scanned for record boundaries and runs of whole records go to `JSON.parse`.
 * Errors name the file, the byte offset and the line and column.
 */
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

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

/** Streams the objects of `file`'s top-level array to `onRecord` in file order. */
export async function readJsonArrayFile(
  file: string,
  onRecord: (record: unknown, index: number) => void,
  chunkBytes = 8 << 20,
): Promise<number> {
  let buf: Buffer = Buffer.alloc(0);
  /** File offset of buf[0]. */
  let base = 0;
  /** Newlines in the file before buf[0], and the file offset where the line holding buf[0] starts. */
  let linesBefore = 0;
  let lineStartBefore = 0;
  let state = Top.BeforeArray;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let recordStart = -1;
  let count = 0;
  let scannedTo = 0;

  const position = (at: number): string => {
    let line = linesBefore + 1;
    let lineStart = lineStartBefore;
    for (let i = buf.indexOf(NEWLINE, 0); i !== -1 && i < at; i = buf.indexOf(NEWLINE, i + 1)) {
      line++;
      lineStart = base + i + 1;
    }
    return `byte ${base + at} (line ${line}, column ${base + at - lineStart + 1})`;
  };
  const fail = (at: number, what: string): never => {
    throw new JsonFileError(file, `invalid JSON at ${position(at)}: ${what}`);
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
    // Bytes before scannedTo belong to an unfinished record already scanned in the previous chunk.
    for (let i = scannedTo; i < buf.length; i++) {
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
    scannedTo = buf.length;
    emit(starts, ends);
    if (final) {
      if (state === Top.InValue) fail(recordStart, `record #${count} is not terminated (file truncated?)`);
      if (state !== Top.AfterArray)
        fail(buf.length, 'unexpected end of file: the array is not closed by "]"');
      return;
    }
    // Keep only the unfinished record; everything before it has been parsed.
    const keep = recordStart === -1 ? buf.length : recordStart;
    for (let j = buf.indexOf(NEWLINE, 0); j !== -1 && j < keep; j = buf.indexOf(NEWLINE, j + 1)) {
      linesBefore++;
      lineStartBefore = base + j + 1;
    }
    base += keep;
    scannedTo -= keep;
    if (recordStart !== -1) recordStart -= keep;
    buf = buf.subarray(keep);
  };

  let stream: AsyncIterable<Buffer>;
  try {
    stream = createReadStream(file, { highWaterMark: chunkBytes });
    for await (const chunk of stream) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      scan(false);
    }
  } catch (err) {
    if (err instanceof JsonFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new JsonFileError(file, 'file not found');
    throw new JsonFileError(file, `cannot read: ${(err as Error).message}`);
  }
  scan(true);
  return count;
}
