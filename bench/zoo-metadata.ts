/**
 * Requests per second and p99 latency of the zoo's metadata routes under 64 concurrent connections (wrk), next to
 * nginx serving the same manifest as a static JSON file in the same run, plus the zoo server's memory.
 *
 *   npx tsx bench/zoo-metadata.ts [--seconds 10] [--connections 64]
 *
 * Needs wrk and nginx (apt-get install -y wrk nginx). Rate limits are off in the served zoo.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createToken } from '../server/src/auth/tokens.ts';
import { openEmbeddedStores } from '../server/src/embedded-stores.ts';
import {
  type Child,
  cpuSeconds,
  memoryMiB,
  numberArg,
  publishFile,
  spawnNginx,
  spawnZoo,
} from './zoo-bench-support.ts';

const run = promisify(execFile);
const SECONDS = numberArg('--seconds', 10);
const CONNECTIONS = numberArg('--connections', 64);

function toMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!match) throw new Error(`unreadable wrk latency "${text}"`);
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

async function wrk(url: string, serverPid: number) {
  const cpuBefore = await cpuSeconds(serverPid);
  const { stdout } = await run('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', url]);
  const cpu = (await cpuSeconds(serverPid)) - cpuBefore;
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const p50 = toMs(/\s50%\s+(\S+)/.exec(stdout)?.[1] ?? '');
  const p99 = toMs(/\s99%\s+(\S+)/.exec(stdout)?.[1] ?? '');
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  return { rps, p50, p99, errors: non2xx, cpuUsPerRequest: (cpu / requests) * 1e6 };
}

const work = await mkdtemp(join(tmpdir(), 'mim4d-zoo-bench-'));
const children: Child[] = [];
try {
  const www = join(work, 'www');
  await mkdir(www);
  const weights = join(work, 'weights.bin');
  await writeFile(
    weights,
    new Uint8Array(1 << 20).map((_, i) => i % 251),
  );
  const data = join(work, 'zoo');
  const stores = await openEmbeddedStores(data);
  const { secret: token, stored } = createToken(stores.meta, 'bench', ['write:bench']);
  await stored;
  await stores.meta.close();
  const zoo = await spawnZoo(data);
  children.push(zoo);
  const { revision } = await publishFile(zoo.url, token, 'bench/meta', weights, 1 << 20);
  for (let i = 0; i < 200; i++)
    await publishFile(zoo.url, token, `bench/m${String(i).padStart(3, '0')}`, weights, 1 << 20);
  const manifest = await (
    await fetch(`${zoo.url}/api/v1/models/bench/meta/revisions/${revision}/manifest`)
  ).text();
  await writeFile(join(www, 'manifest.json'), manifest);
  const nginx = await spawnNginx(work, www);
  children.push(nginx);

  const zooPid = zoo.process.pid as number;
  const nginxPid = nginx.process.pid as number;
  const targets: [string, string, number][] = [
    ['nginx: static manifest.json (reference)', `${nginx.url}/manifest.json`, nginxPid],
    [
      'zoo: manifest by revision id',
      `${zoo.url}/api/v1/models/bench/meta/revisions/${revision}/manifest`,
      zooPid,
    ],
    ['zoo: manifest by tag', `${zoo.url}/api/v1/models/bench/meta/revisions/main/manifest`, zooPid],
    ['zoo: model + card', `${zoo.url}/api/v1/models/bench/meta`, zooPid],
    ['zoo: HF model_info', `${zoo.url}/api/models/bench/meta/revision/main`, zooPid],
    ['zoo: list, 50 of 201 models', `${zoo.url}/api/v1/models?limit=50`, zooPid],
  ];
  // Warm the JIT so the first measured route is not charged for it.
  await run('wrk', ['-t1', '-c8', '-d2s', targets[1][1]]);
  console.log(`wrk -t2 -c${CONNECTIONS} -d${SECONDS}s over loopback`);
  console.log(
    'route                                      req/s   p50 ms   p99 ms  non-2xx  vs nginx  server CPU us/req  vs nginx',
  );
  let reference: Awaited<ReturnType<typeof wrk>> | undefined;
  for (const [name, url, pid] of targets) {
    const r = await wrk(url, pid);
    reference ??= r;
    console.log(
      `${name.padEnd(40)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ` +
        `${String(r.errors).padStart(8)} ${(r.rps / reference.rps).toFixed(2).padStart(8)}x ` +
        `${r.cpuUsPerRequest.toFixed(0).padStart(17)} ${(r.cpuUsPerRequest / reference.cpuUsPerRequest).toFixed(1).padStart(8)}x`,
    );
  }
  const memory = await memoryMiB(zoo.process.pid as number);
  console.log(`zoo server memory: RSS ${memory.rss.toFixed(0)} MiB, peak ${memory.peak.toFixed(0)} MiB`);
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (figures need an idle machine)`,
  );
} finally {
  for (const child of children.reverse()) await child.stop();
  await rm(work, { recursive: true, force: true });
}
