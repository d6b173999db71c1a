/**
 * Download throughput of a large checkpoint from `mim4d-zoo serve` over loopback, against nginx (sendfile) serving
 * the same file in the same run, and the zoo server's memory while it serves: resident memory must stay flat
 * (it streams from disk; it never buffers a file).
 *
 *   npx tsx bench/zoo-download.ts                 # 1 GiB, 3 rounds, then 4 parallel downloads
 *   npx tsx bench/zoo-download.ts --size-mib 256 --rounds 5
 *
 * Needs nginx and curl (apt-get install -y nginx curl). curl is the client for both servers, so the client costs
 * the same on each side; the 2 cores are shared by client and server.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createToken } from '../server/src/auth/tokens.ts';
import { openEmbeddedStores } from '../server/src/embedded-stores.ts';
import {
  type Child,
  cpuSeconds,
  median,
  memoryMiB,
  numberArg,
  publishFile,
  spawnNginx,
  spawnZoo,
  writeCheckpoint,
} from './zoo-bench-support.ts';

const run = promisify(execFile);
const SIZE_MIB = numberArg('--size-mib', 1024);
const ROUNDS = numberArg('--rounds', 3);
const PARALLEL = numberArg('--parallel', 4);

/** MiB/s of one curl download to /dev/null. */
async function curlMiBps(url: string): Promise<number> {
  const { stdout } = await run('curl', [
    '-s',
    '-f',
    '-o',
    '/dev/null',
    '-w',
    '%{speed_download} %{size_download}',
    url,
  ]);
  const [bytesPerSecond, size] = stdout.trim().split(' ').map(Number);
  if (size !== SIZE_MIB * 2 ** 20) throw new Error(`${url}: got ${size} bytes`);
  return bytesPerSecond / 2 ** 20;
}

async function parallelMiBps(url: string): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: PARALLEL }, () => curlMiBps(url)));
  return (PARALLEL * SIZE_MIB) / ((performance.now() - started) / 1000);
}

const loadAtStart = loadavg();
const work = await mkdtemp(join(tmpdir(), 'mim4d-zoo-bench-'));
const children: Child[] = [];
try {
  const www = join(work, 'www');
  await mkdir(www);
  const file = join(www, 'checkpoint.bin');
  await writeCheckpoint(file, SIZE_MIB);
  const data = join(work, 'zoo');
  const stores = await openEmbeddedStores(data);
  const { secret: token, stored } = createToken(stores.meta, 'bench', ['write:bench']);
  await stored;
  await stores.meta.close();

  const zoo = await spawnZoo(data);
  children.push(zoo);
  const nginx = await spawnNginx(work, www);
  children.push(nginx);
  const { revision, uploadMiBps } = await publishFile(zoo.url, token, 'bench/ckpt', file, SIZE_MIB * 2 ** 20);
  const zooUrl = `${zoo.url}/bench/ckpt/resolve/${revision}/checkpoint.bin`;
  const nginxUrl = `${nginx.url}/checkpoint.bin`;
  const pid = zoo.process.pid as number;
  await curlMiBps(zooUrl); // warm the page cache for both (same file contents, different inodes)
  await curlMiBps(nginxUrl);
  const before = await memoryMiB(pid);

  const zooRates: number[] = [];
  const nginxRates: number[] = [];
  const cpu = { zoo: 0, nginx: 0 };
  const timed = async (side: 'zoo' | 'nginx', serverPid: number, url: string) => {
    const before = await cpuSeconds(serverPid);
    const rate = await curlMiBps(url);
    cpu[side] += (await cpuSeconds(serverPid)) - before;
    return rate;
  };
  for (let round = 0; round < ROUNDS; round++) {
    nginxRates.push(await timed('nginx', nginx.process.pid as number, nginxUrl));
    zooRates.push(await timed('zoo', pid, zooUrl));
  }
  const gib = (ROUNDS * SIZE_MIB) / 1024;
  const zooParallel = await parallelMiBps(zooUrl);
  const nginxParallel = await parallelMiBps(nginxUrl);
  const after = await memoryMiB(pid);

  const fmt = (n: number) => n.toFixed(0).padStart(7);
  console.log(`checkpoint: ${SIZE_MIB} MiB, ${ROUNDS} alternating rounds, curl -> /dev/null over loopback`);
  const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  console.log(
    `load average at the start: ${loads(loadAtStart)}, at the end: ${loads(loadavg())} (wall-time figures need an idle machine)`,
  );
  console.log(`upload (PUT, hashed + fsynced): ${uploadMiBps.toFixed(0)} MiB/s`);
  console.log('                         mim4d-zoo    nginx   zoo/nginx');
  console.log(
    `single download, median  ${fmt(median(zooRates))}  ${fmt(median(nginxRates))}   ${(median(zooRates) / median(nginxRates)).toFixed(2)}x   (MiB/s)`,
  );
  console.log(
    `${PARALLEL} parallel, aggregate    ${fmt(zooParallel)}  ${fmt(nginxParallel)}   ${(zooParallel / nginxParallel).toFixed(2)}x   (MiB/s)`,
  );
  console.log(
    `server CPU per GiB sent  ${(cpu.zoo / gib).toFixed(2).padStart(7)}  ${(cpu.nginx / gib).toFixed(2).padStart(7)}   ${(cpu.zoo / cpu.nginx).toFixed(1)}x   (CPU seconds; independent of machine load)`,
  );
  console.log(`all rounds zoo:   ${zooRates.map((r) => r.toFixed(0)).join(', ')}`);
  console.log(`all rounds nginx: ${nginxRates.map((r) => r.toFixed(0)).join(', ')}`);
  console.log(
    `zoo server memory: RSS ${before.rss.toFixed(0)} MiB before the timed downloads, ${after.rss.toFixed(0)} MiB after; ` +
      `peak RSS ${after.peak.toFixed(0)} MiB over the whole run (file: ${SIZE_MIB} MiB, ` +
      `${ROUNDS * 2 + PARALLEL + 1} full downloads served)`,
  );
} finally {
  for (const child of children.reverse()) await child.stop();
  await rm(work, { recursive: true, force: true });
}
