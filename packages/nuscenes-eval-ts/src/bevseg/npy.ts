/**
 * A reader for NumPy's .npy format (versions 1, 2 and 3), with positioned reads so that one item of a
 * stacked [N, ...] array can be read without loading the rest. npyjs (the npm reader) parses whole
 * in-memory buffers and pulls in a fetch polyfill, so it cannot stream a split-sized file.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export type NpyDtype = 'float32' | 'float64' | 'uint8' | 'bool';

const DESCRS: Record<string, NpyDtype> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '|u1': 'uint8',
  '<u1': 'uint8',
  '|b1': 'bool',
};

const ITEM_BYTES: Record<NpyDtype, number> = { float32: 4, float64: 8, uint8: 1, bool: 1 };

export type NpyData = Float32Array | Float64Array | Uint8Array;

export class NpyError extends Error {
  constructor(
    readonly file: string,
    readonly rule: string,
  ) {
    super(`${file}: ${rule}`);
    this.name = 'NpyError';
  }
}

export interface NpyHeader {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** Byte offset of the first element. */
  readonly dataOffset: number;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

function readExactly(fd: number, file: string, length: number, position: number): Buffer {
  // Backed by its own ArrayBuffer at offset 0, so typed views of any element size are aligned.
  const buf = Buffer.from(new ArrayBuffer(length));
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0)
      throw new NpyError(file, `truncated: needs ${length} bytes at offset ${position}, the file ends first`);
    got += n;
  }
  return buf;
}

function parseHeader(file: string, text: string): Omit<NpyHeader, 'dataOffset'> {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyError(file, `not a valid .npy header: ${JSON.stringify(text.trim())}`);
  }
  const dtype = DESCRS[descr];
  if (!dtype) {
    const hint = descr.startsWith('>') ? ' (big-endian: write it with .astype(dtype.newbyteorder("<")))' : '';
    throw new NpyError(
      file,
      `dtype '${descr}' is not supported${hint}; expected one of ${Object.keys(DESCRS).join(', ')}`,
    );
  }
  if (fortran === 'True') {
    throw new NpyError(file, 'is in Fortran order; save np.ascontiguousarray(a) instead');
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyError(file, `bad shape (${shapeText})`);
  return { dtype, shape };
}

/** An open .npy file: its header, and reads of whole items along the first axis. */
export class NpyFile {
  private constructor(
    readonly file: string,
    private readonly fd: number,
    readonly header: NpyHeader,
  ) {}

  static open(file: string): NpyFile {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (e) {
      throw new NpyError(file, `cannot be opened: ${(e as Error).message}`);
    }
    try {
      const header = NpyFile.readHeader(file, fd);
      const expected = header.dataOffset + header.shape.reduce((a, b) => a * b, 1) * ITEM_BYTES[header.dtype];
      const size = fstatSync(fd).size;
      if (size !== expected) {
        throw new NpyError(
          file,
          `holds ${size} bytes but its header (shape ${JSON.stringify(header.shape)}, ${header.dtype}) needs ${expected}`,
        );
      }
      return new NpyFile(file, fd, header);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  private static readHeader(file: string, fd: number): NpyHeader {
    const size = fstatSync(fd).size;
    if (size < 10) throw new NpyError(file, 'is not a .npy file (too short)');
    const lead = readExactly(fd, file, 10, 0);
    if (!lead.subarray(0, 6).equals(MAGIC))
      throw new NpyError(file, 'is not a .npy file (no \\x93NUMPY magic)');
    const major = lead[6];
    if (major !== 1 && major !== 2 && major !== 3)
      throw new NpyError(file, `.npy format version ${major} is not supported`);
    let headerLength: number;
    let headerStart: number;
    if (major === 1) {
      headerLength = lead.readUInt16LE(8);
      headerStart = 10;
    } else {
      headerLength = readExactly(fd, file, 4, 8).readUInt32LE(0);
      headerStart = 12;
    }
    const text = readExactly(fd, file, headerLength, headerStart).toString(major === 3 ? 'utf8' : 'latin1');
    return { ...parseHeader(file, text), dataOffset: headerStart + headerLength };
  }

  /** Elements per item along the first axis (the whole array for `items = 1` of a 0-d array). */
  get itemLength(): number {
    return this.header.shape.slice(1).reduce((a, b) => a * b, 1);
  }

  /** Reads `length` elements starting at element `start`, as a typed array of the file's dtype. */
  read(start: number, length: number): NpyData {
    const bytes = ITEM_BYTES[this.header.dtype];
    const buf = readExactly(this.fd, this.file, length * bytes, this.header.dataOffset + start * bytes);
    const ab = buf.buffer;
    switch (this.header.dtype) {
      case 'float32':
        return new Float32Array(ab);
      case 'float64':
        return new Float64Array(ab);
      default:
        return new Uint8Array(ab);
    }
  }

  /** Every element. */
  readAll(): NpyData {
    return this.read(
      0,
      this.header.shape.reduce((a, b) => a * b, 1),
    );
  }

  close(): void {
    closeSync(this.fd);
  }
}
