/**
 * Download throughput of a large checkpoint with its blobs in an S3-compatible object store, passed through the zoo
 * server (every 1 MiB block checked against its xxh64 sum) and redirected to a presigned URL (--redirect-downloads),
 * against the filesystem store, in one run; wall time and the CPU time of the zoo server and of the object store.
 *
 *   npx tsx bench/zoo-s3-download.ts                # 1 GiB, 3 alternating rounds
 *   npx tsx bench/zoo-s3-download.ts --size-mib 256 --rounds 5
 *   MIM4D_TEST_S3_URL='s3://bucket/prefix?endpoint=http://127.0.0.1:9000' npx tsx bench/zoo-s3-download.ts
 *
 * The object store is moto's S3 server (as in the tests) unless MIM4D_TEST_S3_URL names another; moto is written in
 * Python and is far slower than S3 or MinIO, so its wall-time figures say little about a real deployment: the zoo
 * server's CPU per GiB is the figure that carries over. curl is the client everywhere (-L follows the redirect).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testS3 } from '@mim4d/server/testing';
import { createToken } from '../server/src/auth/tokens.ts';
import { openEmbeddedStores } from '../server/src/embedded-stores.ts';
import {
  type Child,
  cpuSeconds,
  median,
  numberArg,
  publishFile,
  spawnZoo,
  writeCheckpoint,
} from './zoo-bench-support.ts';

const run = promisify(execFile);
const SIZE_MIB = numberArg('--size-mib', 1024);
const ROUNDS = numberArg('--rounds', 3);

/** One curl download to /dev/null, following a redirect; fails unless every byte came. */
async function curlDownload(url: string): Promise<void> {
  const { stdout } = await run('curl', ['-s', '-f', '-L', '-o', '/dev/null', '-w', '%{size_download}', url]);
  if (Number(stdout.trim()) !== SIZE_MIB * 2 ** 20) throw new Error(`${url}: got ${stdout.trim()} bytes`);
}

/** A zoo data directory with a write token. */
async function zooData(dir: string): Promise<string> {
  const stores = await openEmbeddedStores(dir);
  const { secret, stored } = createToken(stores.meta, 'bench', ['write:bench']);
  await stored;
  await stores.meta.close();
  return secret;
}

const loadAtStart = loadavg();
const work = await mkdtemp(join(tmpdir(), 'mim4d-zoo-s3-bench-'));
const children: Child[] = [];
const s3 = await testS3();
if ('skip' in s3) throw new Error(s3.skip);
try {
  const file = join(work, 'checkpoint.bin');
  await writeCheckpoint(file, SIZE_MIB);
  const fsData = join(work, 'zoo-fs');
  const s3Data = join(work, 'zoo-s3');
  const fsToken = await zooData(fsData);
  const s3Token = await zooData(s3Data);
  const fsZoo = await spawnZoo(fsData);
  children.push(fsZoo);
  const proxying = await spawnZoo(s3Data, ['--no-rate-limit', '--blob-store', s3.url]);
  children.push(proxying);
  // A second server on the same metadata and bucket: what one replica of a scaled-out zoo would be.
  const redirecting = await spawnZoo(s3Data, [
    '--no-rate-limit',
    '--blob-store',
    s3.url,
    '--redirect-downloads',
  ]);
  children.push(redirecting);
  const size = SIZE_MIB * 2 ** 20;
  const fsUpload = await publishFile(fsZoo.url, fsToken, 'bench/ckpt', file, size);
  const s3Upload = await publishFile(proxying.url, s3Token, 'bench/ckpt', file, size);
  const path = (zoo: Child, revision: string) => `${zoo.url}/bench/ckpt/resolve/${revision}/checkpoint.bin`;
  const sides = [
    { name: 'filesystem', url: path(fsZoo, fsUpload.revision), zoo: fsZoo },
    { name: 'S3, proxied', url: path(proxying, s3Upload.revision), zoo: proxying },
    { name: 'S3, redirected', url: path(redirecting, s3Upload.revision), zoo: redirecting },
  ].map((side) => ({ ...side, wall: [] as number[], zooCpu: 0, storeCpu: 0 }));
  const storeCpu = () => (s3.serverPid ? cpuSeconds(s3.serverPid) : Promise.resolve(Number.NaN));
  for (const side of sides) await curlDownload(side.url); // warm up: page cache, block pool, JIT
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of sides) {
      const pid = side.zoo.process.pid as number;
      const [zooBefore, storeBefore] = [await cpuSeconds(pid), await storeCpu()];
      const started = performance.now();
      await curlDownload(side.url);
      side.wall.push(SIZE_MIB / ((performance.now() - started) / 1000));
      side.zooCpu += (await cpuSeconds(pid)) - zooBefore;
      side.storeCpu += (await storeCpu()) - storeBefore;
    }
  }

  const gib = (ROUNDS * SIZE_MIB) / 1024;
  const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  console.log(
    `checkpoint: ${SIZE_MIB} MiB, ${ROUNDS} alternating rounds, curl -L -> /dev/null over loopback; object store: ${process.env.MIM4D_TEST_S3_URL ? (s3.location.endpoint ?? 'AWS S3') : "moto's S3 server (Python)"}`,
  );
  console.log(`load average at the start: ${loads(loadAtStart)}, at the end: ${loads(loadavg())}`);
  console.log(
    `upload (PUT): filesystem ${fsUpload.uploadMiBps.toFixed(0)} MiB/s, S3 ${s3Upload.uploadMiBps.toFixed(0)} MiB/s`,
  );
  const reference = sides[0];
  console.log('download            median MiB/s   vs filesystem   zoo CPU s/GiB   object store CPU s/GiB');
  for (const side of sides) {
    const rate = median(side.wall);
    console.log(
      `${side.name.padEnd(18)}  ${rate.toFixed(0).padStart(12)}   ${(rate / median(reference.wall)).toFixed(2).padStart(12)}x   ${(side.zooCpu / gib).toFixed(2).padStart(13)}   ${(side.storeCpu / gib).toFixed(2).padStart(22)}`,
    );
  }
  for (const side of sides) {
    console.log(`all rounds ${side.name}: ${side.wall.map((r) => r.toFixed(0)).join(', ')} MiB/s`);
  }
} finally {
  for (const child of children.reverse()) await child.stop();
  await s3.close();
  await rm(work, { recursive: true, force: true });
}
