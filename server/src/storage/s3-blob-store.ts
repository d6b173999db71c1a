import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createSHA256, type IHasher } from 'hash-wasm';
import { isSha256, type Sha256Hex } from '../names.ts';
import {
  BlobCorruptError,
  BlobMismatchError,
  type BlobSpec,
  type BlobStat,
  type BlobStore,
  type PartialProgress,
} from './blob-store.ts';
import { BLOCK_BYTES, BlockSummer, blockMatches, takeBlock } from './block-sums.ts';
import { s3ClientFor } from './s3-client.ts';
import type { S3Location } from './s3-location.ts';

/** A resumable upload nobody touched for this long is abandoned (as in the filesystem store). */
const PARTIAL_TTL_MS = 7 * 24 * 3600 * 1000;
/**
 * A multipart upload that no resumable upload names and that got no part for this long belongs to a write that
 * died (a crash mid-PUT); a live one sends a part every few seconds. Younger ones may be another replica's.
 */
const ABANDONED_WRITE_MS = 3600 * 1000;
/** S3 takes parts of 5 MiB and more (but the last); whole blocks keep part boundaries on block boundaries. */
const MIN_PART_BYTES = 8 * BLOCK_BYTES;
const MAX_PARTS = 10_000;
/** The largest object a single CopyObject may copy; larger ones are copied part by part. */
const COPY_OBJECT_LIMIT = 5 * 2 ** 30;
const COPY_PART_BYTES = 512 * 2 ** 20;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** How long a presigned download URL works; a client that needs longer asks the server again. */
const PRESIGNED_TTL_S = 15 * 60;

/** Part size for a blob: 8 MiB, or the whole blocks that fit it in S3's 10,000 parts. */
const partBytesFor = (sizeBytes: number): number =>
  Math.max(MIN_PART_BYTES, Math.ceil(sizeBytes / MAX_PARTS / BLOCK_BYTES) * BLOCK_BYTES);

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

const orNull = <T>(promise: Promise<T>): Promise<T | null> =>
  promise.catch((error: unknown) => {
    if (isNotFound(error)) return null;
    throw error;
  });

interface Tally {
  update(bytes: Uint8Array): unknown;
}

/** Feeds each byte to the sha256 and to the block sums. */
const hashAndSum = (hash: Tally, sums: BlockSummer): Tally => ({
  update(bytes) {
    hash.update(bytes);
    sums.update(bytes);
  },
});

/** The multipart upload a blob's bytes go to: created at its first part, completed only once they are verified. */
interface Multipart {
  key: string;
  uploadId?: string;
  parts: CompletedPart[];
}

/**
 * Cuts a stream into parts, feeding every byte to `tally` (sha256 and block sums) as it is taken and uploading each
 * full part; more than `limit` bytes in all is a size mismatch. The bytes after the last full part stay held here:
 * the short last part of a blob, or the tail of a resumable upload.
 */
class PartWriter {
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(
    private readonly store: { s3: S3Client; bucket: string },
    private readonly sha256: Sha256Hex,
    readonly partBytes: number,
    private readonly limit: number,
    readonly multipart: Multipart,
    private readonly tally: Tally,
    /** Bytes in the parts already uploaded. */
    public received: number,
    /** Called after each full part is uploaded, when nothing is held. */
    private readonly atPartBoundary: () => Promise<void> = async () => {},
  ) {}

  async write(chunk: Buffer): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(this.partBytes - this.heldBytes, chunk.length - at);
      if (this.received + take > this.limit) {
        throw new BlobMismatchError('SizeMismatch', String(this.limit), `more than ${this.limit}`);
      }
      const piece = chunk.subarray(at, at + take);
      this.tally.update(piece);
      this.held.push(piece);
      this.heldBytes += take;
      this.received += take;
      at += take;
      if (this.heldBytes === this.partBytes) {
        await this.uploadHeld();
        await this.atPartBoundary();
      }
    }
  }

  /** How many bytes were taken since the last uploaded part. */
  get tailBytes(): number {
    return this.heldBytes;
  }

  /** The bytes taken since the last uploaded part. */
  tail(): Buffer {
    return Buffer.concat(this.held, this.heldBytes);
  }

  /** Uploads the held bytes as the next part (a short one only as the last part of a blob). */
  async uploadHeld(): Promise<void> {
    const { s3, bucket } = this.store;
    if (!this.multipart.uploadId) {
      const created = await s3.send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: this.multipart.key,
          ContentType: 'application/octet-stream',
          // Served after a redirect as x-amz-meta-sha256, where the client looks for the blob's name.
          Metadata: { sha256: this.sha256 },
        }),
      );
      this.multipart.uploadId = created.UploadId as string;
    }
    const PartNumber = this.multipart.parts.length + 1;
    const { ETag } = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: this.multipart.key,
        UploadId: this.multipart.uploadId,
        PartNumber,
        Body: this.tail(),
        ContentLength: this.heldBytes,
      }),
    );
    this.multipart.parts.push({ PartNumber, ETag: ETag as string });
    this.held = [];
    this.heldBytes = 0;
  }
}

/** A resumable upload as saved after an append: its parts, and the state of its hashes after them. */
interface PartialState {
  offset: number;
  uploadId?: string;
  parts: CompletedPart[];
  /** hash-wasm's saved sha256 state after the parts' bytes. */
  sha256State: Uint8Array;
  /** Block sums of the parts' bytes (parts end on block boundaries). */
  sums: Buffer;
  /** Bytes after the last part, fewer than a part. */
  tail: Buffer;
}

/**
 * Blobs in an S3-compatible bucket under `<prefix>blobs/sha256/<hex>`, each with the xxh64 checksums of its 1 MiB
 * blocks in a sidecar object `<prefix>sums/<hex>`, against which every read is checked (as the filesystem store
 * does). Every write is a multipart upload to the blob's own key that is completed only after the sha256 of all its
 * bytes matched, so a blob is visible only once complete and verified; a mismatch aborts the upload, keeping
 * nothing. Quarantined blobs move to `<prefix>quarantine/`.
 *
 * Resumable uploads map onto the same multipart uploads. S3 takes parts of 5 MiB and more except the last, while
 * an append may bring any number of bytes, so parts are cut at fixed part boundaries and the bytes after the last
 * full part (fewer than a part) are held in the upload's state object `<prefix>uploads/<hex>-<size>`, together with
 * the part list and the sha256 and block-sum state at the last part boundary; an append starts by replaying that
 * tail. The state object is rewritten whole (one PUT, atomic) after every part and at the end of every append, so a
 * server killed mid-append resumes from the last part it uploaded. Its `offset` metadata answers
 * {@link partialLength} with a HEAD. The bytes of an unfinished multipart upload cannot be read back, hence the
 * saved hash state (hash-wasm's sha256, whose state can be saved, where Node's cannot). Completing names each part
 * by the ETag recorded when it was hashed, so bytes that changed under a state (two replicas appending to one upload
 * at once, which the client never does) fail the completion rather than publish unhashed bytes.
 */
export class S3BlobStore implements BlobStore {
  readonly bucket: string;
  private readonly prefix: string;
  /** Present when downloads are to be redirected to presigned URLs (`--redirect-downloads`). */
  readonly downloadUrl?: BlobStore['downloadUrl'];

  constructor(
    readonly s3: S3Client,
    location: Pick<S3Location, 'bucket' | 'prefix'>,
    options: { redirectDownloads?: boolean } = {},
  ) {
    this.bucket = location.bucket;
    this.prefix = location.prefix;
    if (options.redirectDownloads) this.downloadUrl = (sha256, how) => this.presignedGet(sha256, how);
  }

  static open(location: S3Location, options: { redirectDownloads?: boolean } = {}): S3BlobStore {
    return new S3BlobStore(s3ClientFor(location), location, options);
  }

  private blobKey(sha256: Sha256Hex): string {
    return `${this.prefix}blobs/sha256/${sha256}`;
  }

  private sumsKey(sha256: Sha256Hex): string {
    return `${this.prefix}sums/${sha256}`;
  }

  private stateKey(expected: BlobSpec): string {
    return `${this.prefix}uploads/${expected.sha256}-${expected.sizeBytes}`;
  }

  private head(key: string) {
    return orNull(this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  private async deleteKey(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** An overwritten object changes ETag and date; a blob without block sums gets a fingerprint no check recorded. */
  async stat(sha256: Sha256Hex): Promise<BlobStat | null> {
    const [blob, sums] = await Promise.all([
      this.head(this.blobKey(sha256)),
      this.head(this.sumsKey(sha256)),
    ]);
    if (!blob) return null;
    const storedAtMs = blob.LastModified?.getTime() ?? 0;
    return {
      sizeBytes: blob.ContentLength ?? 0,
      fingerprint: `${blob.ETag}:${blob.ContentLength}:${storedAtMs}${sums ? '' : ':unsummed'}`,
      storedAtMs,
    };
  }

  private async writeSums(sha256: Sha256Hex, sums: Buffer): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.sumsKey(sha256), Body: sums }));
  }

  async putVerified(source: Readable, expected: BlobSpec): Promise<{ created: boolean }> {
    if (expected.sizeBytes === 0) return this.putEmpty(source, expected);
    const hash = createHash('sha256');
    const sums = new BlockSummer();
    const writer = new PartWriter(
      this,
      expected.sha256,
      partBytesFor(expected.sizeBytes),
      expected.sizeBytes,
      { key: this.blobKey(expected.sha256), parts: [] },
      hashAndSum(hash, sums),
      0,
    );
    try {
      for await (const chunk of source) await writer.write(chunk);
      return await this.publish(writer, expected, hash.digest('hex'), sums.digest());
    } catch (error) {
      await this.abort(writer.multipart);
      throw error;
    }
  }

  /** No parts for no bytes: the empty blob's name is known, so it is checked before a single PUT. */
  private async putEmpty(source: Readable, expected: BlobSpec): Promise<{ created: boolean }> {
    for await (const chunk of source) {
      if ((chunk as Buffer).length > 0) throw new BlobMismatchError('SizeMismatch', '0', 'more than 0');
    }
    if (expected.sha256 !== EMPTY_SHA256) {
      throw new BlobMismatchError('DigestMismatch', expected.sha256, EMPTY_SHA256);
    }
    await this.writeSums(expected.sha256, Buffer.alloc(0));
    if (await this.head(this.blobKey(expected.sha256))) return { created: false };
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.blobKey(expected.sha256),
        Body: Buffer.alloc(0),
        Metadata: { sha256: expected.sha256 },
      }),
    );
    return { created: true };
  }

  private async abort(multipart: Multipart): Promise<void> {
    if (!multipart.uploadId) return;
    await this.s3
      .send(
        new AbortMultipartUploadCommand({
          Bucket: this.bucket,
          Key: multipart.key,
          UploadId: multipart.uploadId,
        }),
      )
      .catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
  }

  /**
   * Checks size and digest of all the bytes, then writes the block sums and completes the multipart upload (the
   * blob appears whole, at once); when an identical blob was stored meanwhile, the upload is dropped instead.
   */
  private async publish(
    writer: PartWriter,
    expected: BlobSpec,
    actual: string,
    sums: Buffer,
  ): Promise<{ created: boolean }> {
    if (writer.received !== expected.sizeBytes) {
      throw new BlobMismatchError('SizeMismatch', String(expected.sizeBytes), String(writer.received));
    }
    if (actual !== expected.sha256) throw new BlobMismatchError('DigestMismatch', expected.sha256, actual);
    await this.writeSums(expected.sha256, sums);
    const key = this.blobKey(expected.sha256);
    if (await this.head(key)) {
      await this.abort(writer.multipart);
      return { created: false };
    }
    if (writer.tailBytes > 0 || writer.multipart.parts.length === 0) await writer.uploadHeld();
    await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: writer.multipart.uploadId,
        MultipartUpload: { Parts: writer.multipart.parts },
      }),
    );
    return { created: true };
  }

  async partialLength(expected: BlobSpec): Promise<number> {
    const state = await this.head(this.stateKey(expected));
    return state ? Number(state.Metadata?.offset ?? 0) : 0;
  }

  private async readState(expected: BlobSpec): Promise<PartialState | null> {
    const object = await orNull(
      this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.stateKey(expected) })),
    );
    if (!object?.Body) return null;
    const bytes = Buffer.from(await object.Body.transformToByteArray());
    const headerLength = bytes.readUInt32BE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as {
      offset: number;
      uploadId?: string;
      parts: CompletedPart[];
      sha256State: string;
      sums: string;
    };
    return {
      ...header,
      sha256State: Buffer.from(header.sha256State, 'base64'),
      sums: Buffer.from(header.sums, 'base64'),
      tail: bytes.subarray(4 + headerLength),
    };
  }

  /** One PUT, so a reader sees the old state or the new one whole. */
  private async writeState(expected: BlobSpec, state: PartialState): Promise<void> {
    const header = Buffer.from(
      JSON.stringify({
        offset: state.offset,
        uploadId: state.uploadId,
        parts: state.parts,
        sha256State: Buffer.from(state.sha256State).toString('base64'),
        sums: state.sums.toString('base64'),
      }),
    );
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.stateKey(expected),
        Body: Buffer.concat([length, header, state.tail]),
        // HEAD answers these without reading the tail.
        Metadata: {
          offset: String(state.offset),
          ...(state.uploadId ? { 'upload-id': state.uploadId } : {}),
        },
      }),
    );
  }

  async appendPartial(source: Readable, expected: BlobSpec, offset: number): Promise<PartialProgress> {
    const saved = await this.readState(expected);
    const held = saved?.offset ?? 0;
    if (held !== offset) {
      throw new Error(`the upload of ${expected.sha256} holds ${held} bytes, not ${offset}`);
    }
    if (expected.sizeBytes === 0) {
      const { created } = await this.putEmpty(source, expected);
      return { offset: 0, complete: true, created };
    }
    const hash: IHasher = await createSHA256();
    if (saved) hash.load(saved.sha256State);
    const sums = new BlockSummer(saved?.sums);
    const multipart: Multipart = {
      key: this.blobKey(expected.sha256),
      parts: saved?.parts ?? [],
      ...(saved?.uploadId ? { uploadId: saved.uploadId } : {}),
    };
    // The hashes' state at the last part boundary: what a saved state pairs with the part list.
    let boundary = { sha256State: saved?.sha256State ?? hash.save(), sums: saved?.sums ?? Buffer.alloc(0) };
    const partBytes = partBytesFor(expected.sizeBytes);
    const save = (tail: Buffer) =>
      this.writeState(expected, {
        offset: writer.received,
        ...(multipart.uploadId ? { uploadId: multipart.uploadId } : {}),
        parts: multipart.parts,
        ...boundary,
        tail,
      });
    const writer: PartWriter = new PartWriter(
      this,
      expected.sha256,
      partBytes,
      expected.sizeBytes,
      multipart,
      hashAndSum(hash, sums),
      multipart.parts.length * partBytes,
      async () => {
        boundary = { sha256State: hash.save(), sums: sums.digest() };
        await save(Buffer.alloc(0));
      },
    );
    try {
      if (saved && saved.tail.length > 0) await writer.write(saved.tail);
      for await (const chunk of source) await writer.write(chunk);
    } catch (error) {
      if (error instanceof BlobMismatchError) await this.discard(expected, multipart);
      // What arrived before the source failed is kept for the next append.
      else await save(writer.tail()).catch(() => {});
      throw error;
    }
    if (writer.received < expected.sizeBytes) {
      await save(writer.tail());
      return { offset: writer.received, complete: false, created: false };
    }
    let published: { created: boolean };
    try {
      published = await this.publish(writer, expected, hash.digest('hex'), sums.digest());
    } catch (error) {
      // Anything else leaves the saved state as it was: a retry re-sends the last part.
      if (error instanceof BlobMismatchError) await this.discard(expected, multipart);
      throw error;
    }
    await this.deleteKey(this.stateKey(expected));
    return { offset: writer.received, complete: true, ...published };
  }

  private async discard(expected: BlobSpec, multipart: Multipart): Promise<void> {
    await this.abort(multipart);
    await this.deleteKey(this.stateKey(expected));
  }

  private async readObject(key: string): Promise<Buffer> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await (object.Body as NonNullable<typeof object.Body>).transformToByteArray());
  }

  async rehash(sha256: Sha256Hex): Promise<{ sha256: Sha256Hex; fingerprint: string }> {
    const before = await this.stat(sha256);
    if (!before) throw new Error(`blob ${sha256} is not in the store`);
    const object = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.blobKey(sha256) }),
    );
    const hash = createHash('sha256');
    const sums = new BlockSummer();
    for await (const chunk of object.Body as Readable) {
      hash.update(chunk);
      sums.update(chunk);
    }
    const actual = hash.digest('hex') as Sha256Hex;
    if (actual !== sha256) return { sha256: actual, fingerprint: before.fingerprint };
    await this.writeSums(sha256, sums.digest());
    const after = await this.stat(sha256);
    // Only the sums may have changed meanwhile; if the blob did too, the old fingerprint makes it re-checked.
    const unchanged = after && before.fingerprint.replace(':unsummed', '') === after.fingerprint;
    return { sha256, fingerprint: unchanged ? after.fingerprint : before.fingerprint };
  }

  readAll(sha256: Sha256Hex): Promise<Buffer> {
    return this.readObject(this.blobKey(sha256));
  }

  readStream(sha256: Sha256Hex, range?: { start: number; end: number }): Readable {
    return Readable.from(this.checkedBlocks(sha256, range), { objectMode: false });
  }

  /** Fetches whole blocks (the range widened to block boundaries), checks each, yields the part within the range. */
  private async *checkedBlocks(
    sha256: Sha256Hex,
    range?: { start: number; end: number },
  ): AsyncGenerator<Buffer> {
    const sums = await this.readObject(this.sumsKey(sha256)).catch((error: unknown) => {
      if (isNotFound(error)) throw new BlobCorruptError(sha256, 'its block checksums are missing');
      throw error;
    });
    const firstBlock = range ? Math.floor(range.start / BLOCK_BYTES) : 0;
    const object = await this.s3.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.blobKey(sha256),
        ...(range
          ? {
              Range: `bytes=${firstBlock * BLOCK_BYTES}-${(Math.floor(range.end / BLOCK_BYTES) + 1) * BLOCK_BYTES - 1}`,
            }
          : {}),
      }),
    );
    const body = object.Body as Readable;
    try {
      const size = range
        ? Number(/\/(\d+)$/.exec(object.ContentRange ?? '')?.[1] ?? Number.NaN)
        : (object.ContentLength ?? 0);
      if (!Number.isSafeInteger(size)) {
        throw new Error(
          `the store answered a range read of ${sha256} with Content-Range "${object.ContentRange}"`,
        );
      }
      const start = range?.start ?? 0;
      const end = range?.end ?? size - 1;
      let index = firstBlock;
      let block = takeBlock().subarray(0, Math.min(BLOCK_BYTES, size - index * BLOCK_BYTES));
      let filled = 0;
      const checked = () => {
        const at = index * BLOCK_BYTES;
        if (!blockMatches(sums, index, block)) {
          throw new BlobCorruptError(
            sha256,
            `block ${index} (bytes from ${at}) changed since it was verified`,
          );
        }
        return block.subarray(Math.max(start - at, 0), Math.min(end - at + 1, block.length));
      };
      for await (const chunk of body as AsyncIterable<Buffer>) {
        let used = 0;
        while (used < chunk.length) {
          if (index * BLOCK_BYTES > end)
            throw new BlobCorruptError(sha256, 'the store sent more bytes than asked for');
          const take = Math.min(block.length - filled, chunk.length - used);
          chunk.copy(block, filled, used, used + take);
          filled += take;
          used += take;
          if (filled === block.length) {
            yield checked();
            index++;
            filled = 0;
            if (index * BLOCK_BYTES <= end) {
              block = takeBlock().subarray(0, Math.min(BLOCK_BYTES, size - index * BLOCK_BYTES));
            }
          }
        }
      }
      if (index * BLOCK_BYTES <= end) {
        throw new BlobCorruptError(sha256, `it ends at byte ${index * BLOCK_BYTES + filled}`);
      }
    } finally {
      body.destroy();
    }
  }

  async *list(): AsyncIterable<Sha256Hex> {
    const prefix = `${this.prefix}blobs/sha256/`;
    let ContinuationToken: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) {
        const name = (object.Key ?? '').slice(prefix.length);
        if (isSha256(name)) yield name;
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async remove(sha256: Sha256Hex): Promise<void> {
    await this.deleteKey(this.blobKey(sha256));
    await this.deleteKey(this.sumsKey(sha256));
  }

  async quarantine(sha256: Sha256Hex): Promise<void> {
    const stat = await this.stat(sha256);
    if (!stat) return;
    await this.copy(this.blobKey(sha256), `${this.prefix}quarantine/${sha256}.${Date.now()}`, stat.sizeBytes);
    await this.remove(sha256);
  }

  /** A server-side copy; above CopyObject's 5 GiB, part by part. */
  private async copy(from: string, to: string, sizeBytes: number): Promise<void> {
    const CopySource = encodeURI(`${this.bucket}/${from}`);
    if (sizeBytes <= COPY_OBJECT_LIMIT) {
      await this.s3.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource }));
      return;
    }
    const { UploadId } = await this.s3.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: to }),
    );
    const parts: CompletedPart[] = [];
    for (let at = 0; at < sizeBytes; at += COPY_PART_BYTES) {
      const PartNumber = parts.length + 1;
      const { CopyPartResult } = await this.s3.send(
        new UploadPartCopyCommand({
          Bucket: this.bucket,
          Key: to,
          UploadId,
          PartNumber,
          CopySource,
          CopySourceRange: `bytes=${at}-${Math.min(at + COPY_PART_BYTES, sizeBytes) - 1}`,
        }),
      );
      parts.push({ PartNumber, ETag: CopyPartResult?.ETag as string });
    }
    await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: to,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  }

  /**
   * Drops resumable uploads left alone for a week or whose blob is stored by now, state objects whose multipart
   * upload is gone, and multipart uploads of writes that died. Unlike the filesystem store it cannot clear every
   * unfinished write at start-up: another replica may be in the middle of one.
   */
  async removeIncomplete(): Promise<number> {
    const now = Date.now();
    let removed = 0;
    // States first: an upload they name that is missing from the later listing is finished or aborted.
    const statePrefix = `${this.prefix}uploads/`;
    const states: { key: string; uploadId?: string; lastModified: number; sha256: string }[] = [];
    for await (const object of this.listKeys(statePrefix)) {
      const name = object.key.slice(statePrefix.length);
      const head = await this.head(object.key);
      states.push({
        key: object.key,
        lastModified: object.lastModified,
        sha256: name.slice(0, name.indexOf('-')),
        ...(head?.Metadata?.['upload-id'] ? { uploadId: head.Metadata['upload-id'] } : {}),
      });
    }
    const uploads = await this.listUploads();
    const live = new Set(uploads.map((u) => u.uploadId));
    const named = new Set<string>();
    for (const state of states) {
      const stale =
        now - state.lastModified > PARTIAL_TTL_MS ||
        (isSha256(state.sha256) && (await this.head(this.blobKey(state.sha256))) !== null) ||
        (state.uploadId !== undefined && !live.has(state.uploadId));
      if (!stale) {
        if (state.uploadId) named.add(state.uploadId);
        continue;
      }
      await this.deleteKey(state.key);
      removed++;
    }
    for (const upload of uploads) {
      if (named.has(upload.uploadId)) continue;
      const parts = await this.s3.send(
        new ListPartsCommand({ Bucket: this.bucket, Key: upload.key, UploadId: upload.uploadId }),
      );
      const lastActive = Math.max(
        upload.initiated,
        ...(parts.Parts ?? []).map((part) => part.LastModified?.getTime() ?? 0),
      );
      if (now - lastActive <= ABANDONED_WRITE_MS) continue;
      await this.abort({ key: upload.key, uploadId: upload.uploadId, parts: [] });
      removed++;
    }
    return removed;
  }

  private async *listKeys(prefix: string): AsyncGenerator<{ key: string; lastModified: number }> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) {
        yield { key: object.Key ?? '', lastModified: object.LastModified?.getTime() ?? 0 };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  private async listUploads() {
    const uploads: { key: string; uploadId: string; initiated: number }[] = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    do {
      const page = await this.s3.send(
        new ListMultipartUploadsCommand({
          Bucket: this.bucket,
          Prefix: `${this.prefix}blobs/`,
          KeyMarker,
          UploadIdMarker,
        }),
      );
      for (const upload of page.Uploads ?? []) {
        const uploadId = upload.UploadId as string;
        uploads.push({
          key: upload.Key as string,
          uploadId,
          initiated: upload.Initiated?.getTime() ?? 0,
        });
      }
      KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      UploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (KeyMarker);
    return uploads;
  }

  /** A presigned GET of the blob that names the file as the server would (see {@link BlobStore.downloadUrl}). */
  private presignedGet(
    sha256: Sha256Hex,
    options: { filename: string; cacheControl: string },
  ): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.blobKey(sha256),
        ResponseContentDisposition: `attachment; filename="${options.filename.replace(/["\\]/g, '_')}"`,
        ResponseContentType: 'application/octet-stream',
        ResponseCacheControl: options.cacheControl,
      }),
      { expiresIn: PRESIGNED_TTL_S },
    );
  }
}
