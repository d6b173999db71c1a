import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MetadataStore } from './metadata/metadata-store.ts';
import { SqliteMetadataStore } from './metadata/sqlite-metadata-store.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { FsBlobStore } from './storage/fs-blob-store.ts';

export interface EmbeddedStores {
  dataDir: string;
  blobs: BlobStore;
  meta: MetadataStore;
}

/** The no-setup default: `<dir>/zoo.sqlite` for metadata and `<dir>/blobs/sha256/` for checkpoints. */
export async function openEmbeddedStores(dir: string): Promise<EmbeddedStores> {
  const dataDir = resolve(dir);
  await mkdir(dataDir, { recursive: true });
  return {
    dataDir,
    blobs: await FsBlobStore.open(dataDir),
    meta: new SqliteMetadataStore(join(dataDir, 'zoo.sqlite')),
  };
}
