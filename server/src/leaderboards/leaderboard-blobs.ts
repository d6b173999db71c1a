import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { BlobIntegrity } from '../blob-integrity.ts';
import type { MetadataStore } from '../metadata/metadata-store.ts';
import type { Sha256Hex } from '../names.ts';
import { BlobCorruptError, type BlobStore } from '../storage/blob-store.ts';

export interface StoredFile {
  sha256: Sha256Hex;
  sizeBytes: number;
}

async function hashFile(path: string): Promise<StoredFile> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    sizeBytes += chunk.length;
  }
  return { sha256: hash.digest('hex') as Sha256Hex, sizeBytes };
}

/**
 * The files the leaderboards keep (submission bodies, ground truth) as blobs in the zoo's blob store, so that every
 * replica and worker reaches them through the store alone. They are kept as checkpoints are: stored under their
 * sha256 once the bytes matched it, recorded with the store's fingerprint, checked against it before a read (a changed
 * blob is re-hashed, and quarantined if it no longer matches) and read through the store's block checksums; a hold
 * (`holder`) keeps them from garbage collection while the leaderboards need them.
 */
export class LeaderboardBlobs {
  private readonly integrity: BlobIntegrity;

  constructor(
    private readonly blobs: BlobStore,
    private readonly meta: MetadataStore,
    log: (line: string) => void,
  ) {
    this.integrity = new BlobIntegrity(blobs, meta, log);
  }

  /**
   * Stores the bytes of the local file `path` as a blob held by `holder`. `known` saves hashing the file first when
   * its sha256 and size were taken as it was written; the store refuses the bytes if they do not match it.
   */
  async store(path: string, holder: string, known?: StoredFile): Promise<StoredFile> {
    const file = known ?? (await hashFile(path));
    await this.blobs.putVerified(createReadStream(path), file);
    await this.integrity.recordVerified(file.sha256);
    await this.meta.holdBlobs(holder, [file.sha256]);
    return file;
  }

  /** Ends `holder`'s holds: its blobs go at the next gc unless something else names them. */
  release(holder: string): Promise<void> {
    return this.meta.releaseBlobs(holder);
  }

  /**
   * Writes the blob's bytes to the local file `path` (through a temporary name beside it, so `path` never holds a
   * part); throws when the blob is missing or its bytes no longer match what was verified.
   */
  async fetch(sha256: Sha256Hex, path: string): Promise<void> {
    await this.integrity.assertServable(sha256);
    const partial = `${path}.partial`;
    try {
      await pipeline(this.blobs.readStream(sha256), createWriteStream(partial));
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      if (error instanceof BlobCorruptError) await this.integrity.reportMismatch(sha256);
      throw error;
    }
  }
}
