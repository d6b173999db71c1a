import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type EmbeddedStores, openEmbeddedStores } from './embedded-stores.ts';
import type { LeaderboardStore } from './leaderboards/leaderboard-store.ts';
import { PostgresLeaderboardStore } from './leaderboards/postgres-leaderboard-store.ts';
import { SqliteLeaderboardStore } from './leaderboards/sqlite-leaderboard-store.ts';
import { PostgresMetadataStore } from './metadata/postgres-metadata-store.ts';
import { PostgresRateLimitStore } from './postgres/postgres-rate-limit-store.ts';
import { ZooPostgres } from './postgres/zoo-postgres.ts';
import type { RateLimitStoreFactory } from './rate-limits.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { type BlobStoreOptions, openBlobStore } from './storage/open-blob-store.ts';

export interface ZooStores extends Omit<EmbeddedStores, 'dataDir'> {
  /** The data directory; null for a process that needs none (PostgreSQL and an object store). */
  dataDir: string | null;
  /** The shared PostgreSQL database when `--database` named one; absent for the embedded SQLite. */
  postgres?: ZooPostgres;
  /** Rate-limit counters in the shared database; absent: each server counts in its own memory. */
  rateLimitStore?: RateLimitStoreFactory;
  /** A leaderboard store in the same database as the metadata. */
  openLeaderboardStore(): LeaderboardStore;
  /** Closes the metadata store and the database connections. */
  close(): Promise<void>;
}

/**
 * The stores a server or an operator command works on: metadata in `<data>/zoo.sqlite` by default, or in the
 * PostgreSQL database at `database` (a postgres:// URL), which every replica of a scaled-out zoo shares. Blobs go
 * under `<data>/blobs/`, or to the object store `blobStore` names (see {@link openBlobStore}). `data` may be left
 * out only when both others are given.
 */
export async function openZooStores(
  options: { data?: string; database?: string } & BlobStoreOptions,
): Promise<ZooStores> {
  if (options.data === undefined) {
    if (options.database === undefined || options.blobStore === undefined) {
      throw new Error(
        'without --data, give both --database and --blob-store (they would live under the data directory)',
      );
    }
    const postgres = await ZooPostgres.open(options.database);
    return sharedStores(postgres, await openBlobStore(options, ''), null);
  }
  if (options.database === undefined) {
    const embedded = await openEmbeddedStores(options.data);
    return {
      ...embedded,
      blobs: await openBlobStore(options, embedded.dataDir),
      openLeaderboardStore: () => new SqliteLeaderboardStore(join(embedded.dataDir, 'zoo.sqlite')),
      close: () => embedded.meta.close(),
    };
  }
  const dataDir = resolve(options.data);
  await mkdir(dataDir, { recursive: true });
  const postgres = await ZooPostgres.open(options.database);
  return sharedStores(postgres, await openBlobStore(options, dataDir), dataDir);
}

function sharedStores(postgres: ZooPostgres, blobs: BlobStore, dataDir: string | null): ZooStores {
  return {
    dataDir,
    blobs,
    meta: new PostgresMetadataStore(postgres),
    postgres,
    rateLimitStore: (bucket) => new PostgresRateLimitStore(postgres, bucket),
    openLeaderboardStore: () => new PostgresLeaderboardStore(postgres),
    close: () => postgres.close(),
  };
}
