import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSha256, type Sha256Hex } from '../names.ts';
import { BlobMismatchError, type BlobStat, type BlobStore } from './blob-store.ts';

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Blobs as read-only files at `<root>/blobs/sha256/<hex>`. Writes go to `<root>/tmp/` first, are hashed while
 * streaming, fsynced, then hard-linked into place: `link` never overwrites, so concurrent uploads of the same blob
 * are safe, and a crash leaves at most an orphan in tmp/, never a partial file under blobs/.
 */
export class FsBlobStore implements BlobStore {
  private readonly blobDir: string;
  private readonly tmpDir: string;
  private readonly quarantineDir: string;

  private constructor(root: string) {
    this.blobDir = join(root, 'blobs', 'sha256');
    this.tmpDir = join(root, 'tmp');
    this.quarantineDir = join(root, 'quarantine');
  }

  static async open(root: string): Promise<FsBlobStore> {
    const store = new FsBlobStore(root);
    await mkdir(store.blobDir, { recursive: true });
    await mkdir(store.tmpDir, { recursive: true });
    return store;
  }

  private localPath(sha256: Sha256Hex): string {
    return join(this.blobDir, sha256);
  }

  async stat(sha256: Sha256Hex): Promise<BlobStat | null> {
    try {
      const s = await stat(this.localPath(sha256), { bigint: true });
      return { sizeBytes: Number(s.size), fingerprint: `${s.ino}:${s.size}:${s.mtimeNs}` };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async putVerified(
    source: Readable,
    expected: { sha256: Sha256Hex; sizeBytes: number },
  ): Promise<{ created: boolean }> {
    const tmp = join(this.tmpDir, `${expected.sha256}.${randomUUID()}`);
    const hash = createHash('sha256');
    let received = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        if (received > expected.sizeBytes) {
          done(
            new BlobMismatchError(
              'SizeMismatch',
              String(expected.sizeBytes),
              `more than ${expected.sizeBytes}`,
            ),
          );
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      if (received !== expected.sizeBytes) {
        throw new BlobMismatchError('SizeMismatch', String(expected.sizeBytes), String(received));
      }
      const actual = hash.digest('hex');
      if (actual !== expected.sha256) throw new BlobMismatchError('DigestMismatch', expected.sha256, actual);
      await chmod(tmp, 0o444);
      await fsyncPath(tmp);
      let created = true;
      try {
        await link(tmp, this.localPath(expected.sha256));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        created = false;
      }
      await fsyncPath(this.blobDir);
      return { created };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async rehash(sha256: Sha256Hex): Promise<Sha256Hex> {
    const hash = createHash('sha256');
    await pipeline(createReadStream(this.localPath(sha256)), hash);
    return hash.digest('hex') as Sha256Hex;
  }

  readStream(sha256: Sha256Hex, range?: { start: number; end: number }): Readable {
    // 1 MiB reads instead of the 64 KiB default: measured at less than half the CPU per GiB sent.
    return createReadStream(this.localPath(sha256), { highWaterMark: 1 << 20, ...range });
  }

  readAll(sha256: Sha256Hex): Promise<Buffer> {
    return readFile(this.localPath(sha256));
  }

  async *list(): AsyncIterable<Sha256Hex> {
    for (const name of await readdir(this.blobDir)) {
      if (isSha256(name)) yield name;
    }
  }

  async quarantine(sha256: Sha256Hex): Promise<void> {
    await mkdir(this.quarantineDir, { recursive: true });
    await rename(this.localPath(sha256), join(this.quarantineDir, `${sha256}.${Date.now()}`));
  }

  async removeIncomplete(): Promise<number> {
    const names = await readdir(this.tmpDir);
    await Promise.all(names.map((name) => unlink(join(this.tmpDir, name))));
    return names.length;
  }
}
