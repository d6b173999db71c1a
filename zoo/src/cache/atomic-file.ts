import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A name beside `dest` that no other process or call will pick, so writers never share a half-written file. */
export function uniqueTempPath(dest: string): string {
  return `${dest}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Writes `data` to a unique temporary file and renames it over `dest`: readers see the old or the new file whole. */
export async function writeFileAtomic(dest: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = uniqueTempPath(dest);
  try {
    await writeFile(tmp, data, { flag: 'wx', mode, flush: true });
    await rename(tmp, dest);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

export type Placement = 'hardlink' | 'copy';

/**
 * Puts `source`'s bytes at `dest` atomically: a hard link when the filesystem allows one (no extra space), otherwise
 * a copy. Never a symlink: those need Developer Mode on Windows and break on shares read from another OS.
 */
export async function placeFile(source: string, dest: string): Promise<Placement> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = uniqueTempPath(dest);
  let placement: Placement = 'hardlink';
  try {
    try {
      await link(source, tmp);
    } catch {
      placement = 'copy';
      await copyFile(source, tmp);
    }
    await rename(tmp, dest);
    return placement;
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
