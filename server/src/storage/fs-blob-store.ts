import type { Hash } from 'node:crypto';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSha256, type Sha256Hex } from '../names.ts';
import {
  BlobMismatchError,
  type BlobSpec,
  type BlobStat,
  type BlobStore,
  type PartialProgress,
} from './blob-store.ts';

/** A resumable upload nobody touched for this long is abandoned. */
const PARTIAL_TTL_MS = 7 * 24 * 3600 * 1000;

/** Counts and hashes bytes on their way through; more than `limit` in total is a size mismatch. */
function meter(hash: Hash, alreadyReceived: number, limit: number) {
  const counter = {
    received: alreadyReceived,
    stream: new Transform({
      transform(chunk: Buffer, _enc, done) {
        counter.received += chunk.length;
        if (counter.received > limit) {
          done(new BlobMismatchError('SizeMismatch', String(limit), `more than ${limit}`));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    }),
  };
  return counter;
}

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
 * are safe, and a crash leaves at most an orphan in tmp/, never a partial file under blobs/. Resumable uploads grow
 * in `<root>/uploads/<sha256>-<size>` and are published the same way once complete.
 */
export class FsBlobStore implements BlobStore {
  private readonly blobDir: string;
  private readonly tmpDir: string;
  private readonly quarantineDir: string;
  private readonly partialDir: string;

  private constructor(root: string) {
    this.blobDir = join(root, 'blobs', 'sha256');
    this.tmpDir = join(root, 'tmp');
    this.quarantineDir = join(root, 'quarantine');
    this.partialDir = join(root, 'uploads');
  }

  static async open(root: string): Promise<FsBlobStore> {
    const store = new FsBlobStore(root);
    await mkdir(store.blobDir, { recursive: true });
    await mkdir(store.tmpDir, { recursive: true });
    await mkdir(store.partialDir, { recursive: true });
    return store;
  }

  private partialPath(expected: BlobSpec): string {
    return join(this.partialDir, `${expected.sha256}-${expected.sizeBytes}`);
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

  async putVerified(source: Readable, expected: BlobSpec): Promise<{ created: boolean }> {
    const tmp = join(this.tmpDir, `${expected.sha256}.${randomUUID()}`);
    const hash = createHash('sha256');
    const counted = meter(hash, 0, expected.sizeBytes);
    try {
      await pipeline(source, counted.stream, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      return await this.publish(tmp, expected, counted.received, hash.digest('hex'));
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async partialLength(expected: BlobSpec): Promise<number> {
    try {
      return (await stat(this.partialPath(expected))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
  }

  async appendPartial(source: Readable, expected: BlobSpec, offset: number): Promise<PartialProgress> {
    const partial = this.partialPath(expected);
    const hash = createHash('sha256');
    // Node cannot save a hash's state, so the bytes already held are hashed again from disk.
    if (offset > 0)
      for await (const chunk of createReadStream(partial, { end: offset - 1 })) hash.update(chunk);
    const counted = meter(hash, offset, expected.sizeBytes);
    try {
      await pipeline(source, counted.stream, createWriteStream(partial, { flags: 'a', mode: 0o600 }));
    } catch (error) {
      if (error instanceof BlobMismatchError) await rm(partial, { force: true });
      else await fsyncPath(partial).catch(() => {});
      throw error;
    }
    await fsyncPath(partial);
    if (counted.received < expected.sizeBytes)
      return { offset: counted.received, complete: false, created: false };
    try {
      const { created } = await this.publish(partial, expected, counted.received, hash.digest('hex'));
      return { offset: counted.received, complete: true, created };
    } finally {
      await rm(partial, { force: true });
    }
  }

  /** Checks size and digest of a fully written file, then links it read-only and durable into blobs/. */
  private async publish(
    file: string,
    expected: BlobSpec,
    received: number,
    actual: string,
  ): Promise<{ created: boolean }> {
    if (received !== expected.sizeBytes) {
      throw new BlobMismatchError('SizeMismatch', String(expected.sizeBytes), String(received));
    }
    if (actual !== expected.sha256) throw new BlobMismatchError('DigestMismatch', expected.sha256, actual);
    await chmod(file, 0o444);
    await fsyncPath(file);
    let created = true;
    try {
      await link(file, this.localPath(expected.sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      created = false;
    }
    await fsyncPath(this.blobDir);
    return { created };
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
    let removed = names.length;
    const now = Date.now();
    for (const name of await readdir(this.partialDir)) {
      const file = join(this.partialDir, name);
      const sha256 = name.slice(0, name.indexOf('-'));
      const abandoned = now - (await stat(file)).mtimeMs > PARTIAL_TTL_MS;
      if (abandoned || (isSha256(sha256) && (await this.stat(sha256)))) {
        await unlink(file);
        removed++;
      }
    }
    return removed;
  }
}
