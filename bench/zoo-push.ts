/**
 * Push throughput of the zoo client (resumable protocol: HEAD for the offset, one PATCH, the server hashing as it
 * writes) against a plain single PUT and a raw single PATCH of the same size to the same `mim4d-zoo serve`,
 * alternating, each round with new bytes so nothing is deduplicated. Also times a push whose connection is cut at half the file and resumed.
 *
 *   npx tsx bench/zoo-push.ts                      # 512 MiB, 3 rounds
 *   npx tsx bench/zoo-push.ts --size-mib 1024 --rounds 5
 *
 * Client and server share the machine's cores, so compare the two figures of one run, not absolute values.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
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
  weightsCard,
  writeCheckpoint,
} from './zoo-bench-support.ts';

const SIZE_MIB = numberArg('--size-mib', 512);
const ROUNDS = numberArg('--rounds', 3);
const SIZE = SIZE_MIB * 2 ** 20;

/** Makes the file's bytes (and so its sha256) unique to `tag`. */
async function stamp(file: string, tag: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.write(Buffer.from(tag.padEnd(32, '.')), 0, 32, 0);
  } finally {
    await handle.close();
  }
}

/** fetch whose first PATCH body stops after `cutAfter` bytes, as a network that goes away. */
function cuttingFetch(cutAfter: number): typeof fetch {
  let cut = false;
  return (input, init) => {
    if (cut || init?.method !== 'PATCH' || !(init.body instanceof ReadableStream)) return fetch(input, init);
    cut = true;
    let passed = 0;
    const body = init.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (passed >= cutAfter) {
            controller.error(new Error('cut'));
            return;
          }
          passed += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
    return fetch(input, { ...init, body } as RequestInit);
  };
}

/** Declares the file, then sends it as one raw PATCH from offset 0 (what the client sends, without fetch); MiB/s. */
async function rawPatch(url: string, token: string, model: string, file: string): Promise<number> {
  const sha256 = await sha256File(file);
  await fetch(`${url}/api/v1/models/${model}/uploads`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ files: [{ path: 'checkpoint.bin', sha256, size: SIZE }] }),
  });
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const patch = request(`${url}/api/v1/uploads/${sha256}`, {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Length': String(SIZE),
        'Upload-Offset': '0',
        'Upload-Length': String(SIZE),
      },
    });
    patch.on('response', (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 201 ? resolve() : reject(new Error(`PATCH ${res.statusCode}`)),
      );
    });
    patch.on('error', reject);
    createReadStream(file).pipe(patch);
  });
  return SIZE_MIB / ((performance.now() - started) / 1000);
}

const work = await mkdtemp(join(tmpdir(), 'mim4d-zoo-push-bench-'));
let zoo: Child | undefined;
try {
  const file = join(work, 'checkpoint.bin');
  await writeCheckpoint(file, SIZE_MIB);
  const data = join(work, 'zoo');
  const stores = await openEmbeddedStores(data);
  const token = (await createToken(stores.meta, 'bench', ['write:bench'])).secret;
  await stores.meta.close();
  zoo = await spawnZoo(data);
  const endpoint = zoo.url;
  const client = (fetchImpl?: typeof fetch) =>
    new ZooClient({
      endpoint,
      token,
      cacheDir: join(work, 'cache'),
      configPath: join(work, 'none.json'),
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    });

  const put: number[] = [];
  const raw: number[] = [];
  const patch: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await stamp(file, `put-${round}`);
    put.push((await publishFile(endpoint, token, `bench/put-${round}`, file, SIZE)).uploadMiBps);
    await stamp(file, `raw-${round}`);
    raw.push(await rawPatch(endpoint, token, `bench/raw-${round}`, file));
    await stamp(file, `patch-${round}`);
    // Timed from the first byte sent to the last, as the PUT figure is: the client's own hashing comes before.
    let first = 0;
    let last = 0;
    await client().publish(
      `bench/patch-${round}`,
      { 'checkpoint.bin': file },
      weightsCard('checkpoint.bin'),
      {
        parentRevision: null,
        onProgress: (p) => {
          if (p.phase === 'transfer' && first === 0) first = performance.now();
          if (p.phase === 'done') last = performance.now();
        },
      },
    );
    patch.push(SIZE_MIB / ((last - first) / 1000));
  }
  await stamp(file, 'resumed');
  let resumedFrom = 0;
  const started = performance.now();
  // This one includes the client's sha256 of the file, the declaration and the commit.
  await client(cuttingFetch(SIZE / 2)).publish(
    'bench/resumed',
    { 'checkpoint.bin': file },
    weightsCard('checkpoint.bin'),
    {
      parentRevision: null,
      onProgress: (p) => {
        if (p.phase === 'done') resumedFrom = p.resumedFrom;
      },
    },
  );
  const resumedS = (performance.now() - started) / 1000;
  const fmt = (xs: number[]) =>
    `median ${median(xs).toFixed(0)} MiB/s (${xs.map((x) => x.toFixed(0)).join(', ')})`;
  process.stdout.write(
    [
      `${SIZE_MIB} MiB, ${ROUNDS} rounds, load average ${loadavg()[0].toFixed(1)}`,
      `single PUT (bench helper):          ${fmt(put)}`,
      `single PATCH (same raw client):     ${fmt(raw)}`,
      `client publish (HEAD + PATCH):      ${fmt(patch)} (fetch with a web stream body)`,
      `publish cut at half, then resumed:  ${resumedS.toFixed(1)} s in all, resumed from ${(resumedFrom / 2 ** 20).toFixed(0)} MiB`,
      '',
    ].join('\n'),
  );
} finally {
  await zoo?.stop();
  await rm(work, { recursive: true, force: true });
}
