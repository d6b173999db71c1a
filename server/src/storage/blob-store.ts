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
  /** When the bytes were stored, ms since the epoch (blobs never change afterwards). */
  storedAtMs: number;
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

/** Stored bytes that no longer match what was verified; the read stops before handing out any of them. */
export class BlobCorruptError extends Error {
  constructor(
    readonly sha256: Sha256Hex,
    readonly detail: string,
  ) {
    super(`stored blob ${sha256} is damaged: ${detail}`);
    this.name = 'BlobCorruptError';
  }
}

export interface BlobSpec {
  sha256: Sha256Hex;
  sizeBytes: number;
}

/** Where a resumable upload stands after an append. */
export interface PartialProgress {
  /** Bytes held now. */
  offset: number;
  /** True once the blob is verified and visible (the partial bytes are gone). */
  complete: boolean;
  /** With `complete`: false when an identical blob was already stored. */
  created: boolean;
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
  putVerified(source: Readable, expected: BlobSpec): Promise<{ created: boolean }>;
  /**
   * Bytes held of a resumable upload of `expected` (0 when none is under way). They survive a dropped connection
   * and a restart, but are never visible as a blob until complete and verified.
   */
  partialLength(expected: BlobSpec): Promise<number>;
  /**
   * Appends `source` to the resumable upload, which must hold exactly `offset` bytes (the caller serialises appends
   * to one blob). Bytes that arrive before the source fails are kept for the next append. Once the size is reached,
   * the whole file's sha256 (the prefix re-read from disk, the rest hashed as it streamed) must match: the blob is
   * then published as by {@link putVerified}; otherwise {@link BlobMismatchError} and nothing is kept.
   */
  appendPartial(source: Readable, expected: BlobSpec, offset: number): Promise<PartialProgress>;
  /**
   * Re-reads the stored bytes and returns their sha256. When it matches the name, whatever the store keeps to
   * check reads (see {@link readStream}) is renewed from these bytes; `fingerprint` is the one to record for them.
   */
  rehash(sha256: Sha256Hex): Promise<{ sha256: Sha256Hex; fingerprint: string }>;
  readAll(sha256: Sha256Hex): Promise<Buffer>;
  /**
   * Streams the blob's bytes, or the inclusive byte range [start, end] of them, checking them as they are read
   * against what was verified: bytes that changed since make the stream fail with {@link BlobCorruptError} before
   * any of them is emitted.
   */
  readStream(sha256: Sha256Hex, range?: { start: number; end: number }): Readable;
  list(): AsyncIterable<Sha256Hex>;
  /** Deletes a blob no revision names (garbage collection); a no-op when it is not there. */
  remove(sha256: Sha256Hex): Promise<void>;
  /** Moves a blob whose bytes no longer match its name out of service, keeping the bytes for inspection. */
  quarantine(sha256: Sha256Hex): Promise<void>;
  /**
   * Removes leftovers of writes that never finished (after a crash), and resumable uploads left alone for a week or
   * whose blob is stored by now. Returns how many were removed.
   */
  removeIncomplete(): Promise<number>;
  /**
   * A URL that serves the blob's bytes without this server (an object store's presigned GET), for answering a
   * download with a redirect; absent where the store has none or was not asked to hand them out. The bytes reach the
   * client unchecked by the block sums: the caller must have checked that the requester may see the blob and that its
   * fingerprint is still the verified one.
   */
  downloadUrl?(sha256: Sha256Hex, options: { filename: string; cacheControl: string }): Promise<string>;
}
