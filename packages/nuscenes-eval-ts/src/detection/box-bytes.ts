/**
 * Reading one box straight from its JSON bytes into the values the loader stores, without JSON.parse and the
 * schema validator: at validation size that pair was most of the time spent loading a submission.
 *
 * Only the usual form is read here: an object of the known fields, each once, ASCII strings without escapes,
 * values of the right types and lengths. Anything else (an extra or repeated field, an escape, a wrong type, a
 * missing field, malformed JSON) is declined, and the caller passes the sample to JSON.parse and the schema,
 * which accept or reject it, and word the problem, exactly as before. A box read here is one they accept, with
 * the same values: numbers round as JSON.parse rounds them (number-reader.ts).
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
import { JsonNumberReader } from '../json/number-reader.ts';
import { ATTRIBUTE_NAMES, DETECTION_NAMES } from './config.ts';
import type { EvalBoxesBuilder, StoredBox } from './data-classes.ts';
import { quaternionYaw } from './quaternion.ts';

const ascii = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0));
const NULL_BYTES = ascii('null');
const NAN_BYTES = ascii('NaN');

enum Field {
  SampleToken,
  Translation,
  Size,
  Rotation,
  Velocity,
  EgoTranslation,
  NumPts,
  DetectionName,
  DetectionScore,
  AttributeName,
}
const FIELD_NAMES: readonly Uint8Array[] = [
  'sample_token',
  'translation',
  'size',
  'rotation',
  'velocity',
  'ego_translation',
  'num_pts',
  'detection_name',
  'detection_score',
  'attribute_name',
].map(ascii);
/** Each field's name with its quotes, as a box lists it. */
const QUOTED_FIELD_NAMES = FIELD_NAMES.map((name) => Uint8Array.from([QUOTE, ...name, QUOTE]));
/** `nextField`'s slot for the first field of a box. */
const BOX_START = FIELD_NAMES.length;
const REQUIRED =
  (1 << Field.SampleToken) |
  (1 << Field.Translation) |
  (1 << Field.Size) |
  (1 << Field.Rotation) |
  (1 << Field.Velocity) |
  (1 << Field.DetectionName) |
  (1 << Field.AttributeName);

const CLASS_NAMES = DETECTION_NAMES.map(ascii);
/** Attribute codes: 0 for `""`, 1 + index for the named ones. */
const ATTRIBUTES = ['', ...ATTRIBUTE_NAMES].map(ascii);

/** Index of the name equal to bytes[from, to), or -1. */
function indexOfName(names: readonly Uint8Array[], bytes: Uint8Array, from: number, to: number): number {
  const length = to - from;
  for (let k = 0; k < names.length; k++) {
    const name = names[k];
    if (name.length !== length) continue;
    let j = 0;
    while (j < length && name[j] === bytes[from + j]) j++;
    if (j === length) return k;
  }
  return -1;
}

/** Reads boxes of one form; declining (undefined) is never an error here, only a cue for the full path. */
export class BoxBytesReader {
  private readonly numbers = new JsonNumberReader();
  /** Array values of the field being read. */
  private readonly items = new Float64Array(4);
  /**
   * The field that followed each field (and, at BOX_START, came first) in the last box: a file's boxes list
   * their fields in one order, so the name is checked against the expected one before it is looked up.
   */
  private readonly nextField = new Int8Array(BOX_START + 1).fill(-1);
  /** `"<token>"` of the sample being read, undefined when the token cannot be written without escapes. */
  private token = '';
  private quotedToken: Uint8Array | undefined = ascii('""');
  /** Where the last string read starts and ends (quotes excluded). */
  private stringFrom = 0;
  private stringTo = 0;
  /** The values of the box last read; overwritten by the next. */
  readonly box: StoredBox = {
    centerX: 0,
    centerY: 0,
    centerZ: 0,
    width: 0,
    length: 0,
    height: 0,
    yaw: 0,
    velocityX: 0,
    velocityY: 0,
    score: 0,
    classCode: 0,
    attributeCode: 0,
    numPts: 0,
    sourceIndex: 0,
  };

  /**
   * Reads the box at bytes[from] (its `{`), listed under `token` at position `index`, not past `to`: the
   * index just past its `}`, with the values in `box`, or -1 when it is not in the form read here.
   */
  read(bytes: Uint8Array, from: number, to: number, token: string, index: number): number {
    const box = this.box;
    let i = from;
    if (i >= to || bytes[i] !== OPEN_BRACE) return -1;
    let seen = 0;
    box.numPts = -1;
    box.score = -1;
    if (token !== this.token) this.setToken(token);
    let previous = BOX_START;
    for (;;) {
      i = skipSpace(bytes, i + 1, to);
      let field = this.nextField[previous];
      if (field >= 0 && startsWith(bytes, i, to, QUOTED_FIELD_NAMES[field])) {
        i += QUOTED_FIELD_NAMES[field].length;
      } else {
        i = this.string(bytes, i, to);
        if (i < 0) return -1;
        field = indexOfName(FIELD_NAMES, bytes, this.stringFrom, this.stringTo);
        if (field < 0) return -1;
        this.nextField[previous] = field;
      }
      if ((seen & (1 << field)) !== 0) return -1;
      seen |= 1 << field;
      previous = field;
      i = skipSpace(bytes, i, to);
      if (bytes[i] !== COLON) return -1;
      i = skipSpace(bytes, i + 1, to);
      const items = this.items;
      switch (field) {
        case Field.SampleToken:
          if (!this.quotedToken || !startsWith(bytes, i, to, this.quotedToken)) return -1;
          i += this.quotedToken.length;
          break;
        case Field.Translation:
        case Field.Size:
        case Field.EgoTranslation:
          i = this.numberList(bytes, i, to, 3, false);
          if (i < 0) return -1;
          if (field === Field.Translation) {
            box.centerX = items[0];
            box.centerY = items[1];
            box.centerZ = items[2];
          } else if (field === Field.Size) {
            box.width = items[0];
            box.length = items[1];
            box.height = items[2];
          }
          break;
        case Field.Rotation:
          i = this.numberList(bytes, i, to, 4, false);
          if (i < 0) return -1;
          box.yaw = quaternionYaw(items);
          break;
        case Field.Velocity:
          i = this.numberList(bytes, i, to, 2, true);
          if (i < 0) return -1;
          box.velocityX = items[0];
          box.velocityY = items[1];
          break;
        case Field.NumPts:
        case Field.DetectionScore:
          i = this.number(bytes, i, to);
          if (i < 0) return -1;
          if (field === Field.NumPts) box.numPts = Math.trunc(this.numbers.value);
          else box.score = this.numbers.value;
          break;
        case Field.DetectionName:
        case Field.AttributeName: {
          i = this.string(bytes, i, to);
          if (i < 0) return -1;
          const names = field === Field.DetectionName ? CLASS_NAMES : ATTRIBUTES;
          const code = indexOfName(names, bytes, this.stringFrom, this.stringTo);
          if (code < 0) return -1;
          if (field === Field.DetectionName) box.classCode = code;
          else box.attributeCode = code;
          break;
        }
      }
      i = skipSpace(bytes, i, to);
      if (bytes[i] === COMMA) continue;
      if (bytes[i] !== CLOSE_BRACE) return -1;
      break;
    }
    if ((seen & REQUIRED) !== REQUIRED || i >= to) return -1;
    box.sourceIndex = index;
    return i + 1;
  }

  /**
   * Reads a whole sample list at bytes[from] (its `[`), not past `limit`, pushing its boxes into `builder`:
   * the index just past its `]`, or -1 when any of it is not in the form read here (or more than `maxBoxes`
   * boxes, or the builder is full), in which case the boxes pushed are the caller's to discard.
   */
  readList(
    bytes: Uint8Array,
    from: number,
    limit: number,
    token: string,
    maxBoxes: number,
    builder: EvalBoxesBuilder,
  ): number {
    if (from >= limit || bytes[from] !== OPEN_BRACKET) return -1;
    let i = from;
    for (let k = 0; ; k++) {
      i = skipSpace(bytes, i + 1, limit);
      if (k === maxBoxes || builder.full) return -1;
      i = this.read(bytes, i, limit, token, k);
      if (i < 0) return -1;
      builder.push(this.box);
      i = skipSpace(bytes, i, limit);
      if (i >= limit) return -1;
      if (bytes[i] === CLOSE_BRACKET) return i + 1;
      if (bytes[i] !== COMMA) return -1;
    }
  }

  private setToken(token: string): void {
    this.token = token;
    // A token that JSON must escape, or that is not ASCII, is not in the form read here: its boxes are declined.
    const plain = /^[\x20-\x7e]*$/.test(token) && !/["\\]/.test(token);
    this.quotedToken = plain ? ascii(`"${token}"`) : undefined;
  }

  /** A string without escapes or non-ASCII bytes at bytes[i]; its content's range is left in stringFrom/To. */
  private string(bytes: Uint8Array, start: number, to: number): number {
    if (bytes[start] !== QUOTE) return -1;
    let i = start + 1;
    this.stringFrom = i;
    for (; i < to; i++) {
      const c = bytes[i];
      if (c === QUOTE) {
        this.stringTo = i;
        return i + 1;
      }
      if (c === BACKSLASH || c < 0x20 || c >= 0x80) return -1;
    }
    return -1;
  }

  /** A finite number at bytes[i] (a larger one is left to the full path to judge). */
  private number(bytes: Uint8Array, i: number, to: number): number {
    const end = this.numbers.read(bytes, i, to);
    return end >= 0 && Number.isFinite(this.numbers.value) ? end : -1;
  }

  /** `[` exactly `count` numbers (or nulls, read as NaN, when `nulls`) `]`, into `items`. */
  private numberList(bytes: Uint8Array, start: number, to: number, count: number, nulls: boolean): number {
    if (bytes[start] !== OPEN_BRACKET) return -1;
    let i = start;
    for (let k = 0; k < count; k++) {
      i = skipSpace(bytes, i + 1, to);
      const missing = nulls ? missingNumber(bytes, i, to) : 0;
      if (missing > 0) {
        this.items[k] = Number.NaN;
        i += missing;
      } else {
        i = this.number(bytes, i, to);
        if (i < 0) return -1;
        this.items[k] = this.numbers.value;
      }
      i = skipSpace(bytes, i, to);
      if (bytes[i] !== (k === count - 1 ? CLOSE_BRACKET : COMMA)) return -1;
    }
    return i + 1;
  }
}

function skipSpace(bytes: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to && isSpace(bytes[i])) i++;
  return i;
}

/**
 * Bytes of a missing number at bytes[i]: `null`, or Python's bare `NaN` as the file has it before the scanner
 * writes it as null (lists read in place); 0 if neither.
 */
function missingNumber(bytes: Uint8Array, i: number, to: number): number {
  if (startsWith(bytes, i, to, NULL_BYTES)) return NULL_BYTES.length;
  return startsWith(bytes, i, to, NAN_BYTES) ? NAN_BYTES.length : 0;
}

function startsWith(bytes: Uint8Array, i: number, to: number, word: Uint8Array): boolean {
  if (i + word.length > to) return false;
  for (let j = 0; j < word.length; j++) if (bytes[i + j] !== word[j]) return false;
  return true;
}
