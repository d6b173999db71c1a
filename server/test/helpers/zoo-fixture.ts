import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelCard } from '@mim4d/zoo';
import type { Scope } from '../../src/auth/scopes.ts';
import { createToken } from '../../src/auth/tokens.ts';
import { type LeaderboardOptions, Leaderboards } from '../../src/leaderboards/leaderboards.ts';
import { type ScoringJobOptions, ScoringJobs } from '../../src/leaderboards/scoring-jobs.ts';
import { type RunningServer, startServer } from '../../src/serve.ts';
import { openZooStores, type ZooStores } from '../../src/zoo-stores.ts';
import { createTestSchema } from './test-postgres.ts';
import type { TestS3 } from './test-s3.ts';

export const sha256Hex = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/** Where metadata lives: the embedded SQLite beside the blobs, or a PostgreSQL schema of the test's own. */
export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

/** Where blobs live: files under the data directory, or the test object store (S3: moto or MIM4D_TEST_S3_URL). */
export type BlobBackend = 'filesystem' | 's3';
/** The metadata backends on the filesystem store, and SQLite on the object store: the upload tests run on each. */
export const STORAGE_SETUPS: readonly { backend: Backend; blobs: BlobBackend }[] = [
  ...BACKENDS.map((backend) => ({ backend, blobs: 'filesystem' as const })),
  { backend: 'sqlite', blobs: 's3' },
];

export interface ZooFixture {
  url: string;
  dataDir: string;
  backend: Backend;
  /** The PostgreSQL URL (with the test's schema), for a second replica; undefined on SQLite. */
  database: string | undefined;
  stores: ZooStores;
  running: RunningServer;
  /** The leaderboards `boards` asked for. */
  leaderboards: Leaderboards | undefined;
  /** A fresh bearer token with these scopes, stored. */
  token(...scopes: Scope[]): Promise<string>;
  request(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  /** Declares, uploads and commits `files`; returns the new revision id. */
  publish(model: string, files: Record<string, Uint8Array>, options: PublishOptions): Promise<string>;
  close(): Promise<void>;
}

export interface PublishOptions {
  token: string;
  card: ModelCard;
  parentRevision?: string | null;
  tags?: string[];
  private?: boolean;
}

/**
 * A zoo server on a free loopback port over a fresh temporary data directory (or `dataDir`, reopened), its metadata
 * in `backend` (default SQLite; PostgreSQL in a fresh schema). `replicaOf` starts a second server on the first one's
 * data directory and database, which the first one's close removes.
 */
export async function startZoo(
  options: Partial<Parameters<typeof startServer>[0]> & {
    dataDir?: string;
    backend?: Backend;
    replicaOf?: ZooFixture;
    /** Serves leaderboards from the fixture's own database, with these options (the fixture closes them). */
    boards?: LeaderboardOptions;
    /** PostgreSQL only: `boards` hand scoring to worker processes through jobs expiring after this long. */
    scoringJobs?: ScoringJobOptions;
    /** Blobs on this prefix of the test object store instead of under the data directory; the caller closes it. */
    s3?: TestS3;
  } = {},
): Promise<ZooFixture> {
  const {
    dataDir: givenDir,
    backend: givenBackend,
    replicaOf,
    boards,
    scoringJobs,
    s3,
    ...serverOptions
  } = options;
  const backend = replicaOf?.backend ?? givenBackend ?? 'sqlite';
  const dataDir = replicaOf?.dataDir ?? givenDir ?? (await mkdtemp(join(tmpdir(), 'mim4d-zoo-test-')));
  const schema = backend === 'postgres' && !replicaOf ? await createTestSchema() : undefined;
  const database = replicaOf?.database ?? schema?.url;
  const stores = await openZooStores({
    data: dataDir,
    ...(database ? { database } : {}),
    ...(s3 ? { blobStore: s3.url } : {}),
  });
  const jobs =
    scoringJobs && stores.postgres ? await ScoringJobs.open(stores.postgres, scoringJobs) : undefined;
  const leaderboards = boards
    ? await Leaderboards.open(dataDir, {
        ...boards,
        store: stores.openLeaderboardStore(),
        blobs: stores.blobs,
        meta: stores.meta,
        ...(jobs ? { jobs } : {}),
      })
    : undefined;
  const running = await startServer({
    blobs: stores.blobs,
    meta: stores.meta,
    ...(stores.rateLimitStore ? { rateLimitStore: stores.rateLimitStore } : {}),
    host: '127.0.0.1',
    port: 0,
    rateLimits: false,
    log: () => {},
    ...(leaderboards ? { leaderboards } : {}),
    ...serverOptions,
  });
  const request = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
    return fetch(`${running.url}${path}`, { ...init, headers });
  };
  const fixture: ZooFixture = {
    url: running.url,
    dataDir,
    backend,
    database,
    stores,
    running,
    leaderboards,
    async token(...scopes) {
      const { secret, stored } = createToken(stores.meta, 'test', scopes);
      await stored;
      return secret;
    },
    request,
    publish: (model, files, opts) => publishTo(request, model, files, opts),
    async close() {
      await running.close();
      await leaderboards?.close();
      await jobs?.stop({ graceful: false });
      await stores.close();
      if (replicaOf) return;
      await schema?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Declares, uploads and commits `files` through `request`; returns the new revision id. */
export async function publishTo(
  request: (path: string, init?: RequestInit & { token?: string }) => Promise<Response>,
  model: string,
  files: Record<string, Uint8Array>,
  opts: PublishOptions,
): Promise<string> {
  const list = Object.entries(files).map(([path, bytes]) => ({
    path,
    sha256: sha256Hex(bytes),
    size: bytes.length,
  }));
  const declared = await request(`/api/v1/models/${model}/uploads`, {
    method: 'POST',
    token: opts.token,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ files: list }),
  });
  if (declared.status !== 200) throw new Error(`declare: ${declared.status} ${await declared.text()}`);
  const answer = (await declared.json()) as {
    files: { path: string; exists: boolean; uploadUrl?: string }[];
  };
  for (const f of answer.files) {
    if (f.exists) continue;
    const put = await request(f.uploadUrl as string, {
      method: 'PUT',
      token: opts.token,
      body: files[f.path],
    });
    if (put.status !== 201 && put.status !== 200)
      throw new Error(`upload ${f.path}: ${put.status} ${await put.text()}`);
  }
  const commit = await request(`/api/v1/models/${model}/commits`, {
    method: 'POST',
    token: opts.token,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      parentRevision: opts.parentRevision ?? null,
      card: opts.card,
      files: list,
      ...(opts.tags ? { tags: opts.tags } : {}),
      ...(opts.private ? { private: true } : {}),
    }),
  });
  if (commit.status !== 201) throw new Error(`commit: ${commit.status} ${await commit.text()}`);
  return ((await commit.json()) as { revision: string }).revision;
}
