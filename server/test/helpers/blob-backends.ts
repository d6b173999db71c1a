import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Sha256Hex } from '../../src/names.ts';
import type { BlobStore } from '../../src/storage/blob-store.ts';
import { FsBlobStore } from '../../src/storage/fs-blob-store.ts';
import { S3BlobStore } from '../../src/storage/s3-blob-store.ts';
import { s3ClientFor } from '../../src/storage/s3-client.ts';
import { testS3 } from './test-s3.ts';

/** A blob store under test, with what a test needs to do behind its back. */
export interface BlobStoreUnderTest {
  store: BlobStore;
  /** Replaces a stored blob's bytes in place, as damage or a stray writer would. */
  tamper(sha256: Sha256Hex, bytes: Uint8Array): Promise<void>;
  /** A second store over the same storage, as a restarted server or another replica opens it. */
  reopen(): Promise<BlobStore>;
  close(): Promise<void>;
}

export interface BlobBackend {
  name: string;
  /** A fresh, empty store, or why this backend cannot run here. */
  open(): Promise<BlobStoreUnderTest | { skip: string }>;
}

/** Every blob store the server can run on; behaviour tests run once per entry. */
export const BLOB_BACKENDS: readonly BlobBackend[] = [
  {
    name: 'filesystem',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'mim4d-blob-store-'));
      return {
        store: await FsBlobStore.open(dir),
        async tamper(sha256, bytes) {
          const path = join(dir, 'blobs', 'sha256', sha256);
          await chmod(path, 0o644);
          await writeFile(path, bytes);
        },
        reopen: () => FsBlobStore.open(dir),
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 's3',
    async open() {
      const s3 = await testS3();
      if ('skip' in s3) return s3;
      return {
        store: new S3BlobStore(s3.client, s3.location),
        async tamper(sha256, bytes) {
          await s3.client.send(
            new PutObjectCommand({
              Bucket: s3.location.bucket,
              Key: `${s3.location.prefix}blobs/sha256/${sha256}`,
              Body: bytes,
            }),
          );
        },
        reopen: async () => new S3BlobStore(s3ClientFor(s3.location), s3.location),
        close: () => s3.close(),
      };
    },
  },
];
