import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { TestS3 } from './test-s3.ts';
import type { ZooFixture } from './zoo-fixture.ts';

/** What a zoo's blob store holds, looked at behind the server's back, for tests that check what is kept. */
export interface StoredState {
  /** The sha256 of every stored blob. */
  blobs(): Promise<string[]>;
  /** Writes that never finished: temporary files, or multipart uploads of the object store. */
  unfinishedWrites(): Promise<string[]>;
  /** Resumable uploads held, as `<sha256>-<size>`. */
  partialUploads(): Promise<string[]>;
}

async function blobsOf(zoo: ZooFixture): Promise<string[]> {
  const found: string[] = [];
  for await (const sha256 of zoo.stores.blobs.list()) found.push(sha256);
  return found;
}

/** The state of `zoo`'s blob store: files under its data directory, or the objects under `s3`'s prefix. */
export function storedState(zoo: ZooFixture, s3?: TestS3): StoredState {
  if (!s3) {
    return {
      blobs: () => blobsOf(zoo),
      unfinishedWrites: () => readdir(join(zoo.dataDir, 'tmp')),
      partialUploads: () => readdir(join(zoo.dataDir, 'uploads')),
    };
  }
  const { bucket, prefix } = s3.location;
  return {
    blobs: () => blobsOf(zoo),
    async unfinishedWrites() {
      const listed = await s3.client.send(
        new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }),
      );
      return (listed.Uploads ?? []).map((u) => `${u.Key} (${u.UploadId})`);
    },
    async partialUploads() {
      const listed = await s3.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}uploads/` }),
      );
      return (listed.Contents ?? []).map((o) => (o.Key ?? '').slice(`${prefix}uploads/`.length));
    },
  };
}
