import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createToken,
  Leaderboards,
  openEmbeddedStores,
  type RunningServer,
  startServer,
} from '@mim4d/server';
import type { ZooClient } from '@mim4d/zoo';

/** A zoo server on a free loopback port over `dataDir`, with a token that may publish under `namespace`. */
export interface LocalZoo {
  url: string;
  token: string;
  close(): Promise<void>;
}

export async function startLocalZoo(dataDir: string, namespace: string): Promise<LocalZoo> {
  mkdirSync(dataDir, { recursive: true });
  const stores = await openEmbeddedStores(dataDir);
  const leaderboards = await Leaderboards.open(stores.dataDir, { log: () => {} });
  let running: RunningServer;
  try {
    running = await startServer({
      blobs: stores.blobs,
      meta: stores.meta,
      leaderboards,
      host: '127.0.0.1',
      port: 0,
      rateLimits: false,
      log: () => {},
    });
  } catch (error) {
    await leaderboards.shutdown();
    await stores.meta.close();
    throw error;
  }
  // The embedded SQLite store writes synchronously, so the secret works as soon as it is returned.
  const token = createToken(stores.meta, 'mim4d demo', [`write:${namespace}`, 'read']).secret;
  return {
    url: running.url,
    token,
    async close() {
      await running.close();
      await leaderboards.shutdown();
      await stores.meta.close();
    },
  };
}

/** Publishes an export folder (its card.json and every other file) as `repo`, tagged main; returns the revision. */
export async function publishFolder(client: ZooClient, repo: string, folder: string): Promise<string> {
  const card = JSON.parse(readFileSync(path.join(folder, 'card.json'), 'utf8'));
  const files = Object.fromEntries(
    readdirSync(folder)
      .filter((f) => f !== 'card.json' && !f.endsWith('.md'))
      .map((f) => [f, path.join(folder, f)]),
  );
  const { revision } = await client.publish(repo, files, card, { tags: ['main'] });
  return revision;
}

export interface BaselineRow {
  name: string;
  metrics: Record<string, number>;
  source: string;
}

/** The leaderboard's baseline rows of `benchmark`, read over HTTP as any client would. */
export async function baselineRows(url: string, benchmark: string): Promise<BaselineRow[]> {
  const response = await fetch(
    `${url}/api/v1/benchmarks/${encodeURIComponent(benchmark)}/leaderboard?status=baseline`,
  );
  if (!response.ok) throw new Error(`GET ${benchmark} leaderboard: HTTP ${response.status}`);
  const body = (await response.json()) as {
    rows: { name: string; metrics: Record<string, number>; provenance: { source?: string } }[];
  };
  return body.rows.map((r) => ({ name: r.name, metrics: r.metrics, source: r.provenance.source ?? '' }));
}
