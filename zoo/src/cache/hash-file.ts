import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Sha256Hex } from '../client/names.ts';

/** Feeds a file's bytes into `hash` (used to resume hashing a partial download where it stopped). */
export async function hashFileInto(hash: Hash, path: string): Promise<number> {
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return bytes;
}

export async function sha256File(path: string): Promise<Sha256Hex> {
  const hash = createHash('sha256');
  await hashFileInto(hash, path);
  return hash.digest('hex') as Sha256Hex;
}
