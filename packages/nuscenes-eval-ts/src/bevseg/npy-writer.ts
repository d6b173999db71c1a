import { writeFileSync } from 'node:fs';

/**
 * The bytes of an .npy file as numpy writes it (C order unless `fortranOrder`, header padded to a multiple of 64
 * bytes), version 1 or 2; `descr` is numpy's dtype string, e.g. `<f4` or `|u1`.
 */
export function npyBytes(
  descr: string,
  shape: readonly number[],
  data: ArrayBufferView,
  options: { version?: 1 | 2; fortranOrder?: boolean } = {},
): Buffer {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${options.fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const lead = version === 1 ? 10 : 12;
  const padded = dict.padEnd(Math.ceil((lead + dict.length + 1) / 64) * 64 - lead - 1, ' ');
  const header = Buffer.alloc(lead);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(header);
  if (version === 1) header.writeUInt16LE(padded.length + 1, 8);
  else header.writeUInt32LE(padded.length + 1, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([header, Buffer.from(`${padded}\n`, 'latin1'), body]);
}

/** Writes {@link npyBytes} to `path`. */
export function writeNpy(
  path: string,
  descr: string,
  shape: readonly number[],
  data: ArrayBufferView,
  options: { version?: 1 | 2; fortranOrder?: boolean } = {},
): void {
  writeFileSync(path, npyBytes(descr, shape, data, options));
}
