import type { Readable } from 'node:stream';
import type { Sha256Hex } from '../names.ts';

/** What a store can say about a stored blob without reading it. */
export interface BlobStat {
  sizeBytes: number;
  /**
   * Changes whenever the stored bytes may have changed (for files: inode, size and mtime). The server re-hashes a
   * blob whose fingerprint differs from the one recorded when it was last verified.
   */
  fingerprint: string;
}

/** Why a verified write was refused; nothing of the attempt is kept. */
export class BlobMismatchError extends Error {
  constructor(
    readonly kind: 'DigestMismatch' | 'SizeMismatch',
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      kind === 'DigestMismatch'
        ? `sha256 of the received bytes is ${actual}, not the declared ${expected}`
        : `received ${actual} bytes, not the declared ${expected}`,
    );
    this.name = 'BlobMismatchError';
  }
}

/**
 * Content-addressed blob storage. Implementations must make a blob visible only once all its bytes are durable and
 * verified, so a crash never exposes a partial blob. A filesystem store and, later, an object store sit behind this.
 */
export interface BlobStore {
  stat(sha256: Sha256Hex): Promise<BlobStat | null>;
  /**
   * Streams `source` into the store, hashing on the way. Resolves once the blob is durable and visible; rejects with
   * {@link BlobMismatchError} (and keeps nothing) when the bytes do not match. `created` is false when an identical
   * blob was already stored.
   */
  putVerified(
    source: Readable,
    expected: { sha256: Sha256Hex; sizeBytes: number },
  ): Promise<{ created: boolean }>;
  /** Re-reads the stored bytes and returns their sha256. */
  rehash(sha256: Sha256Hex): Promise<Sha256Hex>;
  readAll(sha256: Sha256Hex): Promise<Buffer>;
  /** Streams the blob's bytes, or the inclusive byte range [start, end] of them. */
  readStream(sha256: Sha256Hex, range?: { start: number; end: number }): Readable;
  list(): AsyncIterable<Sha256Hex>;
  /** Moves a blob whose bytes no longer match its name out of service, keeping the bytes for inspection. */
  quarantine(sha256: Sha256Hex): Promise<void>;
  /** Removes leftovers of writes that never finished (after a crash). Returns how many were removed. */
  removeIncomplete(): Promise<number>;
}
