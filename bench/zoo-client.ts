/**
 * Pull throughput of the zoo client (stream to disk + full sha256 + atomic rename into a fresh cache) against curl
 * on the same `mim4d-zoo serve` and the same file in the same run: curl alone (`-o file`, no check) and curl
 * followed by `sha256sum` (what a careful user would do by hand). Also times a resumed pull cut at half the file.
 *
 *   npx tsx bench/zoo-client.ts                    # 512 MiB, 3 alternating rounds
 *   npx tsx bench/zoo-client.ts --size-mib 1024 --rounds 5
 *
 * Needs curl and sha256sum. Client, server and curl share the 2 cores, so compare ratios, not absolute figures.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createToken } from '../server/src/auth/tokens.ts';
import { openEmbeddedStores } from '../server/src/embedded-stores.ts';
import { ZooClient } from '../zoo/src/index.ts';
import {
  type Child,
  median,
  numberArg,
  publishFile,
  sha256File,
  spawnZoo,
  writeCheckpoint,
} from './zoo-bench-support.ts';

const run = promisify(execFile);
const SIZE_MIB = numberArg('--size-mib', 512);
const ROUNDS = numberArg('--rounds', 3);
const SIZE = SIZE_MIB * 2 ** 20;

const seconds = (started: number) => (performance.now() - started) / 1000;

const work = await mkdtemp(join(tmpdir(), 'mim4d-zoo-client-bench-'));
let zoo: Child | undefined;
try {
  const file = join(work, 'checkpoint.bin');
  await writeCheckpoint(file, SIZE_MIB);
  const expected = await sha256File(file);
  const data = join(work, 'zoo');
  const stores = await openEmbeddedStores(data);
  const token = (await createToken(stores.meta, 'bench', ['write:bench'])).secret;
  stores.meta.close();
  zoo = await spawnZoo(data);
  const { revision } = await publishFile(zoo.url, token, 'bench/ckpt', file, SIZE);
  const url = `${zoo.url}/bench/ckpt/resolve/${revision}/checkpoint.bin`;
  const out = join(work, 'out');
  await mkdir(out);

  const client = async (tag: string, fetchImpl?: typeof fetch) =>
    new ZooClient({
      endpoint: zoo?.url,
      cacheDir: join(work, `cache-${tag}`),
      configPath: join(work, 'none.json'),
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    });
  const pullClient = async (round: number) => {
    const c = await client(`r${round}`);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const got = await c.download('bench/ckpt', 'checkpoint.bin', { revision });
    const wall = seconds(started);
    const used = process.cpuUsage(cpu);
    if (got.sha256 !== expected || got.bytesTransferred !== SIZE) throw new Error('client pull went wrong');
    await rm(join(work, `cache-r${round}`), { recursive: true, force: true });
    return { rate: SIZE_MIB / wall, cpu: (used.user + used.system) / 1e6 };
  };
  const pullCurl = async (check: boolean) => {
    const target = join(out, 'checkpoint.bin');
    const started = performance.now();
    await run('curl', ['-s', '-f', '-o', target, url]);
    if (check) {
      const { stdout } = await run('sha256sum', [target]);
      if (!stdout.startsWith(expected)) throw new Error('curl download hashed wrong');
    }
    const wall = seconds(started);
    await rm(target);
    return SIZE_MIB / wall;
  };

  await pullCurl(false); // warm the server's page cache
  const rates = { client: [] as number[], curl: [] as number[], curlHash: [] as number[] };
  let clientCpu = 0;
  for (let round = 0; round < ROUNDS; round++) {
    rates.curl.push(await pullCurl(false));
    rates.curlHash.push(await pullCurl(true));
    const r = await pullClient(round);
    rates.client.push(r.rate);
    clientCpu += r.cpu;
  }

  // Resume: cut the body at half the file, then pull again; only the second half should travel.
  let cut = true;
  const cutting: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!cut || !String(input).includes('/resolve/') || !response.body) return response;
    cut = false;
    let sent = 0;
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await reader.read();
        if (done || sent >= SIZE / 2) {
          await reader.cancel();
          controller.error(new Error('connection cut by the benchmark'));
          return;
        }
        sent += value.length;
        controller.enqueue(value);
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  const resuming = await client('resume', cutting);
  await resuming.download('bench/ckpt', 'checkpoint.bin', { revision }).catch(() => {});
  const started = performance.now();
  const resumed = await resuming.download('bench/ckpt', 'checkpoint.bin', { revision });
  const resumeWall = seconds(started);

  const fmt = (n: number) => n.toFixed(0).padStart(6);
  const c = median(rates.client);
  console.log(`checkpoint: ${SIZE_MIB} MiB over loopback from mim4d-zoo serve, ${ROUNDS} alternating rounds`);
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (figures need an idle machine)`,
  );
  console.log('                                       MiB/s (median)   client / this');
  console.log(`zoo client (stream + sha256 + rename)  ${fmt(c)}`);
  console.log(
    `curl -o file (no check)                ${fmt(median(rates.curl))}           ${(c / median(rates.curl)).toFixed(2)}x`,
  );
  console.log(
    `curl -o file + sha256sum               ${fmt(median(rates.curlHash))}           ${(c / median(rates.curlHash)).toFixed(2)}x`,
  );
  console.log(`client CPU per GiB pulled: ${(clientCpu / ((ROUNDS * SIZE_MIB) / 1024)).toFixed(2)} s`);
  console.log(
    `resume after a cut at ${resumed.resumedFrom} bytes: ${resumed.bytesTransferred} bytes transferred ` +
      `(${((100 * resumed.bytesTransferred) / SIZE).toFixed(1)}% of the file) in ${resumeWall.toFixed(2)} s, ` +
      'including re-hashing the kept prefix',
  );
  console.log(`rounds client: ${rates.client.map((r) => r.toFixed(0)).join(', ')}`);
  console.log(`rounds curl:   ${rates.curl.map((r) => r.toFixed(0)).join(', ')}`);
  console.log(`rounds curl+sha256sum: ${rates.curlHash.map((r) => r.toFixed(0)).join(', ')}`);
} finally {
  await zoo?.stop();
  await rm(work, { recursive: true, force: true });
}
