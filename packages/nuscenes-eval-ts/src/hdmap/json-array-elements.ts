/**
 * Streams the elements of one array field of a top-level JSON object (`{"results": [ {...}, ... ]}`),
 * each handed over parsed, so memory stays bounded by one element however large the file is.
 *
 * Why not stream-json: its token stream plus assembler measured 5 MB/s on a MapTR results file, about a
 * minute per validation split. This scanner only tracks strings and brackets byte by byte and leaves each
 * element's text to `JSON.parse` (over 20x faster). Other top-level values are parsed whole (`meta`).
 */
import { createReadStream, statSync } from 'node:fs';
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
import { MapInputError } from './errors.ts';

/** Non-zero for the bytes a captured value's scan stops at: quote, brackets, braces, comma. */
const STRUCTURAL = new Uint8Array(256);
for (const c of [QUOTE, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, COMMA]) STRUCTURAL[c] = 1;

export interface ArrayFieldHandler {
  /** An element of the array field, parsed; `index` is its position. */
  element(value: unknown, index: number): void | Promise<void>;
  /** Any other top-level value, parsed. */
  otherField?(key: string, value: unknown): void;
}

enum State {
  Root,
  KeyOrEnd,
  /** After a comma: a key must follow. */
  NextKey,
  Key,
  Colon,
  Value,
  CommaOrEnd,
  ArrayStart,
  ElementOrEnd,
  /** After a comma: an element must follow. */
  Element,
  AfterElement,
  Done,
}

/**
 * Reads `path`, calling `handler.element` for each element of the top-level `field` array in order.
 * Returns whether the field was present. Malformed JSON (a trailing comma included, as JSON.parse has it)
 * and a repeated top-level key fail with the file and byte offset.
 */
export async function streamArrayField(
  path: string,
  field: string,
  handler: ArrayFieldHandler,
): Promise<boolean> {
  let state = State.Root;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let keyParts: Buffer[] = [];
  let key = '';
  let keyStart = 0;
  /** Top-level keys so far: a repeat is ambiguous (JSON.parse lets the last win), and would stream `field` twice. */
  const keys = new Set<string>();
  let found = false;
  let index = 0;
  /** Pieces of the value being captured (an element, or another field's value). */
  let parts: Buffer[] = [];
  let capturing = false;
  let captureStart = 0;
  let offset = 0;

  const fail = (at: number, rule: string): never => {
    throw new MapInputError(path, `${rule} (byte ${at})`);
  };
  const parse = (text: string, at: number): unknown => {
    try {
      return JSON.parse(text);
    } catch (e) {
      return fail(at, `invalid JSON: ${(e as Error).message}`);
    }
  };

  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new MapInputError(path, `cannot be read: ${(e as Error).message}`);
  }
  if (!isFile) throw new MapInputError(path, 'is not a file');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let i = 0;
    const n = chunk.length;
    if (capturing) captureStart = 0;
    while (i < n) {
      const c = chunk[i];
      if (inString) {
        if (escaped) {
          escaped = false;
          if (state === State.Key) keyParts.push(chunk.subarray(i, i + 1));
          i++;
          continue;
        }
        // Jump to the next quote or backslash: strings (tokens) are long, and the only bytes that matter.
        const q = chunk.indexOf(QUOTE, i);
        const b = chunk.indexOf(BACKSLASH, i);
        const next = q < 0 ? b : b < 0 ? q : Math.min(q, b);
        if (next < 0) {
          if (state === State.Key) keyParts.push(chunk.subarray(i));
          i = n;
          continue;
        }
        if (chunk[next] === BACKSLASH) {
          escaped = true;
          if (state === State.Key) keyParts.push(chunk.subarray(i, next + 1));
          i = next + 1;
          continue;
        }
        inString = false;
        if (state === State.Key) {
          keyParts.push(chunk.subarray(i, next));
          key = parse(`"${Buffer.concat(keyParts).toString('utf8')}"`, offset + next) as string;
          keyParts = [];
          if (keys.has(key)) fail(keyStart, `key "${key}" appears more than once in the top-level object`);
          keys.add(key);
          state = State.Colon;
        }
        i = next + 1;
        continue;
      }
      if (isSpace(c)) {
        i++;
        continue;
      }
      switch (state) {
        case State.Root:
          if (c !== OPEN_BRACE) fail(offset + i, 'the top level must be a JSON object');
          state = State.KeyOrEnd;
          depth = 1;
          break;
        case State.KeyOrEnd:
        case State.NextKey:
          if (c === QUOTE) {
            inString = true;
            keyStart = offset + i;
            state = State.Key;
          } else if (c !== CLOSE_BRACE) fail(offset + i, 'expected a key');
          else if (state === State.NextKey)
            fail(offset + i, 'trailing comma before "}" in the top-level object');
          else state = State.Done;
          break;
        case State.Colon:
          if (c !== COLON) fail(offset + i, `expected ":" after key "${key}"`);
          state = key === field ? State.ArrayStart : State.Value;
          if (state === State.Value) {
            capturing = true;
            captureStart = i + 1;
            parts = [];
          }
          break;
        case State.ArrayStart:
          if (c !== OPEN_BRACKET) fail(offset + i, `"${field}" must be an array`);
          found = true;
          depth = 2;
          state = State.ElementOrEnd;
          break;
        case State.ElementOrEnd:
        case State.Element:
        case State.AfterElement:
        case State.Value: {
          if (state !== State.Value && depth === 2 && !capturing) {
            if (c === CLOSE_BRACKET && state !== State.Element) {
              depth = 1;
              state = State.CommaOrEnd;
              break;
            }
            if (state === State.AfterElement) {
              if (c !== COMMA)
                fail(offset + i, `expected "," or "]" after element ${index - 1} of "${field}"`);
              state = State.Element;
              break;
            }
            if (c === CLOSE_BRACKET)
              fail(offset + i, `trailing comma before "]" after element ${index - 1} of "${field}"`);
            if (c === COMMA) fail(offset + i, `expected element ${index} of "${field}"`);
            capturing = true;
            captureStart = i;
            parts = [];
          }
          const base = state === State.Value ? 1 : 2;
          // Tight loop over the captured value's bytes: most of a results file is digits inside elements.
          let ended = false;
          while (i < n) {
            const b = chunk[i];
            if (STRUCTURAL[b] === 0) {
              i++;
              continue;
            }
            if (b === QUOTE) {
              inString = true;
              break;
            }
            if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
            else if (depth === base) {
              ended = true;
              break;
            } else if (b !== COMMA) depth--;
            i++;
          }
          if (!ended) {
            if (inString) i++;
            continue;
          }
          // The value ended just before this byte.
          parts.push(chunk.subarray(captureStart, i));
          const text = Buffer.concat(parts).toString('utf8');
          capturing = false;
          parts = [];
          if (state === State.Value) {
            handler.otherField?.(key, parse(text, offset + i));
            state = State.CommaOrEnd;
          } else {
            await handler.element(parse(text, offset + i), index++);
            state = State.AfterElement;
          }
          continue; // the comma or bracket belongs to the enclosing object or array
        }
        case State.CommaOrEnd:
          if (c === COMMA) state = State.NextKey;
          else if (c === CLOSE_BRACE) state = State.Done;
          else fail(offset + i, 'expected "," or "}" in the top-level object');
          break;
        case State.Done:
          fail(offset + i, 'unexpected data after the top-level object');
      }
      i++;
    }
    if (capturing) parts.push(chunk.subarray(captureStart));
    offset += n;
  }
  if (state !== State.Done) fail(offset, 'unexpected end of file');
  return found;
}
