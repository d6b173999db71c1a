/**
 * Streaming reader for `sample_token -> [boxes]` JSON, either at the top level (EvalBoxes files) or under a
 * `results` key (submissions). Each sample's list is offered to the handler where it lies in the chunk (to be
 * read in place); one it declines is cut out of the byte stream and handed over as bytes, so memory stays
 * bounded by one sample however large the file is, and parsing can happen elsewhere.
 *
 * Why not stream-json: its token stream measured 17 MB/s here, a minute per GB before any validation. This
 * scanner only tracks strings and brackets byte by byte and leaves each captured sample's text to `JSON.parse`.
 * Python writes NaN as a bare `NaN`, which is not JSON; inside captured lists it is turned into `null`.
 */
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  isSpace,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from '../json/bytes.ts';
import { DetectionInputError } from './errors.ts';
import { parseJsonBytes } from './sample-list.ts';

/** One sample's list as cut from the stream, not yet parsed. */
export interface CapturedSample {
  token: string;
  /** The list's text from `[` to `]` in pieces, bare NaN already written as null; valid only during the call. */
  parts: readonly Buffer[];
  byteLength: number;
  /** Where each of the list's objects starts (`{`) and ends (just past `}`) in that text. */
  boxStarts: readonly number[];
  boxEnds: readonly number[];
}

export interface SampleHandler {
  /** A top-level value other than the samples (for submissions: `meta` and any extra keys). */
  topLevel?(key: string, value: unknown): void;
  /** One sample's list; parsing it is left to the handler (see sample-list.ts), possibly on another thread. */
  sample(sample: CapturedSample): void;
  /**
   * Offered each sample's list first, where it starts (`bytes[at]` is its `[`): a handler that reads the
   * whole list from these bytes returns the index just past its `]`, and the scanner goes on from there;
   * -1 has it captured and handed to `sample` as usual.
   */
  readSample?(token: string, bytes: Buffer, at: number): number;
}

export interface ScannerOptions {
  /** Where the samples are: the top-level object itself, or the object under `results`. */
  samplesAt: 'root' | 'results';
  /** A sample list with more objects than this fails as soon as the excess is seen. */
  maxBoxesPerSample?: number;
  /** Name for messages, usually the file path. */
  source: string;
  /** Largest single captured value in bytes; protects memory against malformed files. */
  maxValueBytes?: number;
}

const LETTER_N = 0x4e;
const LETTER_A = 0x61;
const NULL_BYTES = Buffer.from('null');

enum ByteKind {
  Plain,
  Quote,
  Open,
  Close,
  LetterN,
}
/** What a byte outside strings means to the scanner; everything else (numbers, commas, ...) is Plain. */
const BYTE_KIND = new Uint8Array(256);
BYTE_KIND[QUOTE] = ByteKind.Quote;
BYTE_KIND[OPEN_BRACE] = ByteKind.Open;
BYTE_KIND[OPEN_BRACKET] = ByteKind.Open;
BYTE_KIND[CLOSE_BRACE] = ByteKind.Close;
BYTE_KIND[CLOSE_BRACKET] = ByteKind.Close;
BYTE_KIND[LETTER_N] = ByteKind.LetterN;

enum State {
  Root,
  KeyOrEnd,
  Key,
  Colon,
  Value,
  CommaOrEnd,
  Done,
}

enum Capture {
  None,
  /** A sample's list: `[` ... `]`. */
  Sample,
  /** Any other value: object, array, string or scalar. */
  Other,
}

export class SampleScanner {
  private state = State.Root;
  /** 1 inside the top-level object, 2 inside `results`. */
  private level = 0;
  private sawKeyAtLevel = false;
  private key = '';
  private keyParts: Buffer[] = [];
  private seenKeys: Set<string>[] = [new Set(), new Set()];
  private sawResults = false;

  private capture = Capture.None;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Byte ranges of the sample's objects within the captured bytes (after NaN -> null). */
  private boxStarts: number[] = [];
  private boxEnds: number[] = [];
  /** Bytes of `NaN` still to check after its `N`. */
  private nanLeft = 0;
  private scalar = false;
  private offset = 0;

  constructor(
    private readonly options: ScannerOptions,
    private readonly handler: SampleHandler,
  ) {}

  /** `offset` is the 0-based position of the byte being looked at (the file's length at its end). */
  private fail(rule: string, where = `${this.options.source} (byte ${this.offset})`): never {
    throw new DetectionInputError(where, rule);
  }

  private get samplesLevel(): number {
    return this.options.samplesAt === 'root' ? 1 : 2;
  }

  private path(token: string): string {
    const prefix = this.options.samplesAt === 'results' ? 'results' : '';
    return `${this.options.source}: ${prefix}[${JSON.stringify(token)}]`;
  }

  write(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let i = 0;
    const n = buf.length;
    while (i < n) {
      if (this.capture !== Capture.None) {
        i = this.captureFrom(buf, i);
        continue;
      }
      const c = buf[i];
      if (this.state === State.Key) {
        i = this.keyFrom(buf, i);
        continue;
      }
      if (this.state === State.Value && c === OPEN_BRACKET && this.level === this.samplesLevel) {
        const end = this.handler.readSample?.(this.key, buf, i) ?? -1;
        if (end >= 0) {
          this.state = State.CommaOrEnd;
          this.offset += end - i;
          i = end;
          continue;
        }
      }
      if (!isSpace(c)) this.structural(c);
      this.offset++;
      i++;
    }
    // A value still being captured keeps views of this chunk, which the reader may fill again: copy them.
    if (this.capture !== Capture.None) {
      this.parts = this.parts.map((part) => (part.buffer === buf.buffer ? Buffer.from(part) : part));
    }
  }

  /** Call after the last chunk: checks the document is complete and the required keys are there. */
  end(): void {
    if (this.capture === Capture.Other && this.scalar) this.finishOther();
    if (this.state !== State.Done) this.fail('unexpected end of file: the JSON document is incomplete');
    if (this.options.samplesAt === 'results') {
      if (!this.sawResults) this.fail('missing field `results`', this.options.source);
      if (!this.seenKeys[0].has('meta')) this.fail('missing field `meta`', this.options.source);
    }
  }

  private structural(c: number): void {
    switch (this.state) {
      case State.Root:
        if (c !== OPEN_BRACE) this.fail('the file must hold a JSON object');
        this.level = 1;
        this.state = State.KeyOrEnd;
        this.sawKeyAtLevel = false;
        break;
      case State.KeyOrEnd:
        if (c === QUOTE) {
          this.state = State.Key;
          this.keyParts = [Buffer.from('"')];
        } else if (c === CLOSE_BRACE && !this.sawKeyAtLevel) {
          this.closeLevel();
        } else {
          this.fail(this.sawKeyAtLevel ? 'expected a key after `,`' : 'expected a key or `}`');
        }
        break;
      case State.Colon:
        if (c !== COLON) this.fail('expected `:` after the key');
        this.state = State.Value;
        break;
      case State.Value:
        this.startValue(c);
        break;
      case State.CommaOrEnd:
        if (c === COMMA) {
          this.state = State.KeyOrEnd;
          this.sawKeyAtLevel = true;
        } else if (c === CLOSE_BRACE) {
          this.closeLevel();
        } else {
          this.fail('expected `,` or `}`');
        }
        break;
      default:
        this.fail('unexpected content after the end of the JSON document');
    }
  }

  private closeLevel(): void {
    this.level--;
    this.state = this.level === 0 ? State.Done : State.CommaOrEnd;
  }

  private keyFrom(buf: Buffer, start: number): number {
    let i = start;
    const n = buf.length;
    while (i < n) {
      const c = buf[i++];
      if (this.escape) this.escape = false;
      else if (c === BACKSLASH) this.escape = true;
      else if (c === QUOTE) {
        this.keyParts.push(buf.subarray(start, i));
        this.offset += i - start;
        this.finishKey();
        return i;
      }
    }
    this.keyParts.push(Buffer.from(buf.subarray(start, n)));
    this.offset += n - start;
    return n;
  }

  private finishKey(): void {
    const text = Buffer.concat(this.keyParts).toString('utf8');
    this.keyParts = [];
    try {
      this.key = JSON.parse(text) as string;
    } catch {
      this.fail(`invalid key string ${text.slice(0, 80)}`);
    }
    const seen = this.seenKeys[this.level - 1];
    if (seen.has(this.key)) {
      this.fail(
        this.level === this.samplesLevel
          ? 'sample token appears more than once'
          : 'key appears more than once',
        this.level === this.samplesLevel ? this.path(this.key) : `${this.options.source}: ${this.key}`,
      );
    }
    // Sample keys are checked against the split later; remembering them here guards against duplicates.
    seen.add(this.key);
    this.state = State.Colon;
  }

  private startValue(c: number): void {
    if (this.level === 1 && this.options.samplesAt === 'results' && this.key === 'results') {
      if (c !== OPEN_BRACE)
        this.fail('must be an object mapping sample tokens to box lists', `${this.options.source}: results`);
      this.sawResults = true;
      this.level = 2;
      this.state = State.KeyOrEnd;
      this.sawKeyAtLevel = false;
      return;
    }
    this.parts = [];
    this.partBytes = 0;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.boxStarts = [];
    this.boxEnds = [];
    this.scalar = false;
    if (this.level === this.samplesLevel) {
      if (c !== OPEN_BRACKET) this.fail('must be a list of boxes', this.path(this.key));
      this.capture = Capture.Sample;
      this.depth = 1;
      this.parts.push(Buffer.from('['));
      this.partBytes = 1;
      return;
    }
    this.capture = Capture.Other;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth = 1;
    else if (c === QUOTE) this.inString = true;
    else this.scalar = true;
    this.parts.push(Buffer.from([c]));
    this.partBytes = 1;
  }

  /** Consumes captured bytes from buf[start]; returns where it stopped (the value's end or the chunk's). */
  private captureFrom(buf: Buffer, start: number): number {
    if (this.scalar) return this.scalarFrom(buf, start);
    const n = buf.length;
    const isSample = this.capture === Capture.Sample;
    let i = this.checkNaN(buf, start, start);
    let segment = i;
    // The loop runs once per byte of a file that may be gigabytes: state lives in locals, stored back on exit,
    // and bytes outside strings are classified by one table lookup.
    let inString = this.inString;
    let escaped = this.escape;
    let depth = this.depth;
    const save = () => {
      this.inString = inString;
      this.escape = escaped;
      this.depth = depth;
    };
    while (i < n) {
      const c = buf[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (depth === 0) {
            save();
            return this.closeCapture(buf, segment, i + 1, start);
          }
        }
        i++;
        continue;
      }
      const kind = BYTE_KIND[c];
      if (kind === ByteKind.Plain) {
        i++;
        continue;
      }
      if (kind === ByteKind.Quote) inString = true;
      else if (kind === ByteKind.Open) {
        if (isSample && depth === 1 && c === OPEN_BRACE) {
          this.startBox(this.partBytes + i - segment);
        }
        depth++;
      } else if (kind === ByteKind.Close) {
        depth--;
        if (isSample && depth === 1 && c === CLOSE_BRACE) this.boxEnds.push(this.partBytes + i + 1 - segment);
        if (depth === 0) {
          save();
          return this.closeCapture(buf, segment, i + 1, start);
        }
      } else {
        // A bare NaN (Python's json writes it): captured as null.
        this.keep(buf, segment, i);
        this.parts.push(NULL_BYTES);
        this.partBytes += 4;
        this.nanLeft = 2;
        i = this.checkNaN(buf, i + 1, start);
        segment = i;
        continue;
      }
      i++;
    }
    save();
    this.keep(buf, segment, n);
    this.offset += n - start;
    return n;
  }

  /** Checks the `aN` still owed after an `N` (possibly across chunks); returns the index after them. */
  private checkNaN(buf: Buffer, from: number, start: number): number {
    let i = from;
    while (this.nanLeft > 0 && i < buf.length) {
      const expected = this.nanLeft === 2 ? LETTER_A : LETTER_N;
      if (buf[i] !== expected)
        this.failAt(i, start, 'invalid literal (only NaN may stand for a missing number)');
      this.nanLeft--;
      i++;
    }
    return i;
  }

  /** A top-level number, true, false or null: runs to the next delimiter. */
  private scalarFrom(buf: Buffer, start: number): number {
    for (let i = start; i < buf.length; i++) {
      const c = buf[i];
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) {
        this.keep(buf, start, i);
        this.offset += i - start;
        this.finishOther();
        return i;
      }
    }
    this.keep(buf, start, buf.length);
    this.offset += buf.length - start;
    return buf.length;
  }

  private failAt(i: number, start: number, rule: string): never {
    this.offset += i - start;
    this.fail(rule);
  }

  /** Records a box of the sample starting at `at` (in the captured text), failing past the box limit. */
  private startBox(at: number): void {
    this.boxStarts.push(at);
    const max = this.options.maxBoxesPerSample;
    if (max !== undefined && this.boxStarts.length > max) {
      this.fail(`more than ${max} boxes (max_boxes_per_sample)`, this.path(this.key));
    }
  }

  /** Keeps buf[from, to), as a view: see the end of write(). */
  private keep(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.parts.push(buf.subarray(from, to));
    this.partBytes += to - from;
    const max = this.options.maxValueBytes ?? 256 * 1024 * 1024;
    if (this.partBytes > max) {
      const where =
        this.capture === Capture.Sample ? this.path(this.key) : `${this.options.source}: ${this.key}`;
      this.fail(`value larger than ${max} bytes`, where);
    }
  }

  private closeCapture(buf: Buffer, segment: number, end: number, start: number): number {
    this.keep(buf, segment, end);
    this.offset += end - start;
    if (this.capture === Capture.Sample) this.finishSample();
    else this.finishOther();
    return end;
  }

  private finishSample(): void {
    this.capture = Capture.None;
    this.state = State.CommaOrEnd;
    const parts = this.parts;
    this.parts = [];
    this.handler.sample({
      token: this.key,
      parts,
      byteLength: this.partBytes,
      boxStarts: this.boxStarts,
      boxEnds: this.boxEnds,
    });
  }

  private finishOther(): void {
    const bytes = Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.capture = Capture.None;
    this.state = State.CommaOrEnd;
    this.handler.topLevel?.(this.key, parseJsonBytes(bytes, `${this.options.source}: ${this.key}`));
  }
}
