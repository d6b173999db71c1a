import type { BlobIntegrity } from './blob-integrity.ts';
import type { MetadataStore } from './metadata/metadata-store.ts';
import type { BlobStore } from './storage/blob-store.ts';

/** What every route works with: the two stores, the integrity guard and the limits. */
export interface ZooContext {
  blobs: BlobStore;
  meta: MetadataStore;
  integrity: BlobIntegrity;
  limits: { maxUploadBytes: number; maxJsonBytes: number; bodyTimeoutMs: number };
  log: (line: string) => void;
}
