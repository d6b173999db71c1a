import type { BlobStore } from './blob-store.ts';
import { FsBlobStore } from './fs-blob-store.ts';
import { S3BlobStore } from './s3-blob-store.ts';
import { parseS3Url } from './s3-location.ts';

export interface BlobStoreOptions {
  /** `s3://bucket/prefix?endpoint=...&region=...`; left out, files under the data directory. */
  blobStore?: string;
  /** Answer downloads with a 302 to a presigned URL of the object store instead of proxying the bytes. */
  redirectDownloads?: boolean;
}

/** The blob store `--blob-store` names, or the filesystem store under `dataDir`; errors name the flag. */
export async function openBlobStore(options: BlobStoreOptions, dataDir: string): Promise<BlobStore> {
  if (options.blobStore === undefined) {
    if (options.redirectDownloads) {
      throw new Error('--redirect-downloads needs an object store: add --blob-store s3://bucket/prefix');
    }
    return FsBlobStore.open(dataDir);
  }
  let location: ReturnType<typeof parseS3Url>;
  try {
    location = parseS3Url(options.blobStore);
  } catch (error) {
    throw new Error(`--blob-store ${options.blobStore}: ${(error as Error).message}`);
  }
  return S3BlobStore.open(location, { redirectDownloads: options.redirectDownloads ?? false });
}
