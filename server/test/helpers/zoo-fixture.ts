import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelCard } from '@mim4d/zoo';
import type { Scope } from '../../src/auth/scopes.ts';
import { createToken } from '../../src/auth/tokens.ts';
import { type EmbeddedStores, openEmbeddedStores } from '../../src/embedded-stores.ts';
import { type RunningServer, startServer } from '../../src/serve.ts';

export const sha256Hex = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

export interface ZooFixture {
  url: string;
  dataDir: string;
  stores: EmbeddedStores;
  running: RunningServer;
  /** A fresh bearer token with these scopes. */
  token(...scopes: Scope[]): string;
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

/** A zoo server on a free loopback port over a fresh temporary data directory (or `dataDir`, reopened). */
export async function startZoo(
  options: Partial<Parameters<typeof startServer>[0]> & { dataDir?: string } = {},
): Promise<ZooFixture> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'mim4d-zoo-test-')));
  const stores = await openEmbeddedStores(dataDir);
  const running = await startServer({
    blobs: stores.blobs,
    meta: stores.meta,
    host: '127.0.0.1',
    port: 0,
    rateLimits: false,
    log: () => {},
    ...options,
  });
  const request = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
    return fetch(`${running.url}${path}`, { ...init, headers });
  };
  const fixture: ZooFixture = {
    url: running.url,
    dataDir,
    stores,
    running,
    // The embedded SQLite store writes synchronously, so the secret works as soon as it is returned.
    token: (...scopes) => createToken(stores.meta, 'test', scopes).secret,
    request,
    publish: (model, files, opts) => publishTo(request, model, files, opts),
    async close() {
      await running.close();
      await stores.meta.close();
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
