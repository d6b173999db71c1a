import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZooClient, type ZooClientOptions } from '@mim4d/zoo';
import { backboneRevision } from '../helpers/backbone-files.ts';
import { startZoo, type ZooFixture } from '../helpers/zoo-fixture.ts';
import { CuttingProxy } from './cutting-proxy.ts';

export interface ClientWorld {
  zoo: ZooFixture;
  proxy: CuttingProxy;
  /** The proxy's URL: clients talk through it so tests can see and break the traffic. */
  endpoint: string;
  writeToken: string;
  /** A fresh temporary folder (removed by close). */
  tempDir(): Promise<string>;
  /** A client through the proxy with its own fresh cache unless `cacheDir` is given; never reads a saved login. */
  client(options?: ZooClientOptions): Promise<ZooClient>;
  close(): Promise<void>;
}

/** A zoo server, a proxy in front of it, and clients with private caches and config files. */
export async function startClientWorld(): Promise<ClientWorld> {
  const zoo = await startZoo();
  const proxy = new CuttingProxy(zoo.url);
  const endpoint = await proxy.start();
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mim4d-zoo-client-'));
    dirs.push(dir);
    return dir;
  };
  return {
    zoo,
    proxy,
    endpoint,
    writeToken: await zoo.token('write:org'),
    tempDir,
    async client(options = {}) {
      const dir = options.cacheDir ? undefined : await tempDir();
      return new ZooClient({
        endpoint,
        configPath: join(dir ?? (await tempDir()), 'no-login.json'),
        ...(dir ? { cacheDir: join(dir, 'cache') } : {}),
        ...options,
      });
    },
    async close() {
      await proxy.stop();
      await zoo.close();
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** The backbone revision plus a larger random `weights.bin`, so a download can be cut in the middle. */
export function revisionWithWeights(weightBytes = 3 * 2 ** 20, config: object = { depth: 50 }) {
  const { files, card } = backboneRevision(config);
  return { files: { ...files, 'weights.bin': new Uint8Array(randomBytes(weightBytes)) }, card };
}
