import { mkdirSync } from 'node:fs';
import {
  createToken,
  Leaderboards,
  openEmbeddedStores,
  type RunningServer,
  startServer,
} from '@mim4d/server';

/** A zoo server on a free loopback port over `dataDir`, with a token that may publish under `namespace`. */
export interface LocalZoo {
  url: string;
  token: string;
  /** Its leaderboards, for what an operator does on the zoo's machine (installing ground truth). */
  leaderboards: Leaderboards;
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
    leaderboards,
    async close() {
      await running.close();
      await leaderboards.shutdown();
      await stores.meta.close();
    },
  };
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
