/**
 * The attack of issue 14, repeatable: a `mim4d-zoo serve` on loopback probed as an outsider and a malicious user
 * would. Each probe prints what a safe server does and what this one did. Request counts and durations are bounded
 * (at most 300 connections, each probe a few seconds); nothing leaves 127.0.0.1.
 *
 *   npx tsx bench/zoo-attack.ts
 *
 * Exits 1 when any probe observes something other than the expected outcome.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createToken } from '../server/src/auth/tokens.ts';
import { openEmbeddedStores } from '../server/src/embedded-stores.ts';
import { ZooClient, ZooError } from '../zoo/src/index.ts';
import { type Child, spawnZoo, weightsCard } from './zoo-bench-support.ts';

const run = promisify(execFile);
const BODY_TIMEOUT_S = 2;
const CONNECTION_CAP = 64;
const TRICKLERS = 300;
const MAX_UPLOAD = 4 << 20;

let failures = 0;
function probe(name: string, expected: string, observed: string, ok: boolean): void {
  if (!ok) failures++;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}\n      expected: ${expected}\n      observed: ${observed}`);
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

const work = await mkdtemp(join(tmpdir(), 'mim4d-zoo-attack-'));
const data = join(work, 'zoo');
const stores = await openEmbeddedStores(data);
const tokenOf = async (scopes: Parameters<typeof createToken>[2], expiresAt?: string) => {
  const { secret, stored } = createToken(stores.meta, 'attack', scopes, expiresAt ? { expiresAt } : {});
  await stored;
  return secret;
};
const victim = await tokenOf(['write:victim']);
const mallory = await tokenOf(['write:mallory']);
const reader = await tokenOf(['read']);
const expired = await tokenOf(['read'], new Date(Date.now() - 60_000).toISOString());
await stores.meta.close();
const gt = join(work, 'gt.json');
const devkit = JSON.parse(
  readFileSync(
    new URL('../packages/nuscenes-eval-ts/test/fixtures/nuscenes_detection.json', import.meta.url),
    'utf8',
  ),
) as { cases: { gt: unknown }[] };
await writeFile(gt, JSON.stringify(devkit.cases[0].gt));
const bin = join(import.meta.dirname, '..', 'server', 'bin', 'mim4d-zoo.js');
await run(process.execPath, [bin, 'benchmark', 'gt', 'nuscenes-detection@v1', gt, '--data', data]);

let zoo: Child | undefined;
try {
  zoo = await spawnZoo(data, [
    '--body-timeout',
    String(BODY_TIMEOUT_S),
    '--max-connections-per-address',
    String(CONNECTION_CAP),
    '--max-upload',
    String(MAX_UPLOAD),
  ]);
  const url = zoo.url;
  const call = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
    return fetch(`${url}${path}`, { ...init, headers });
  };
  const json = (token: string, body: unknown) => ({
    method: 'POST',
    token,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const publish = async (token: string, model: string, bytes: Uint8Array, priv: boolean) => {
    const spec = { path: 'w.bin', sha256: sha256(bytes), size: bytes.length };
    const plan = (await (
      await call(`/api/v1/models/${model}/uploads`, json(token, { files: [spec] }))
    ).json()) as {
      files: { exists: boolean; uploadUrl?: string }[];
    };
    if (!plan.files[0].exists) {
      const put = await call(plan.files[0].uploadUrl as string, { method: 'PUT', token, body: bytes });
      if (put.status > 201) throw new Error(`upload to ${model}: ${put.status}`);
    }
    const commit = await call(
      `/api/v1/models/${model}/commits`,
      json(token, { parentRevision: null, card: weightsCard('w.bin'), files: [spec], private: priv }),
    );
    if (commit.status !== 201) throw new Error(`commit to ${model}: ${commit.status} ${await commit.text()}`);
    return { spec, revision: ((await commit.json()) as { revision: string }).revision };
  };

  // 1. A blob's hash as a capability.
  const secret = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
  const { spec } = await publish(victim, 'victim/private', secret, true);
  const declared = (await (
    await call('/api/v1/models/mallory/copy/uploads', json(mallory, { files: [spec] }))
  ).json()) as { files: { exists: boolean }[] };
  const stolen = await call(
    '/api/v1/models/mallory/copy/commits',
    json(mallory, { parentRevision: null, card: weightsCard('w.bin'), files: [spec] }),
  );
  probe(
    '1 hash of a private blob used by another writer',
    'declare says exists:false; a commit naming it is 422 MissingBlob',
    `exists:${declared.files[0].exists}; commit ${stolen.status} ${stolen.headers.get('x-error-code')}`,
    !declared.files[0].exists &&
      stolen.status === 422 &&
      stolen.headers.get('x-error-code') === 'MissingBlob',
  );

  // 2. Bit rot under an unchanged fingerprint.
  const big = new Uint8Array(3 << 20).map((_, i) => (i * 7) & 0xff);
  const rotted = await publish(victim, 'victim/rot', big, false);
  const blobPath = join(data, 'blobs', 'sha256', rotted.spec.sha256);
  const before = await stat(blobPath, { bigint: true });
  await chmod(blobPath, 0o644);
  const file = await open(blobPath, 'r+');
  await file.write(Buffer.from([big[big.length - 5] ^ 1]), 0, 1, big.length - 5);
  await file.close();
  await chmod(blobPath, 0o444);
  const ns = before.mtimeNs % 1_000_000_000n;
  await run('touch', [
    '-m',
    '-d',
    `@${before.mtimeNs / 1_000_000_000n}.${String(ns).padStart(9, '0')}`,
    blobPath,
  ]);
  const download = await call(`/victim/rot/resolve/${rotted.revision}/w.bin`);
  const received = await download.arrayBuffer().then(
    (b) => `${b.byteLength} bytes, complete`,
    () => 'body cut',
  );
  const after = await call(`/victim/rot/resolve/${rotted.revision}/w.bin`);
  probe(
    '2 one byte rotted, inode/size/mtime unchanged',
    'the download is cut before the damaged block; then 500 BlobCorrupt (quarantined)',
    `${download.status}, ${received}; then ${after.status} ${after.headers.get('x-error-code')}`,
    received === 'body cut' && after.status === 500,
  );

  // 3. Hugging Face error codes.
  const missing = await call('/api/models/nobody/nothing');
  const hidden = await call('/api/models/victim/private');
  probe(
    '3 HF API: a missing and a private repo',
    'X-Error-Code RepoNotFound for both (huggingface_hub: RepositoryNotFoundError, repo_exists False)',
    `${missing.status} ${missing.headers.get('x-error-code')}, ${hidden.status} ${hidden.headers.get('x-error-code')}`,
    missing.headers.get('x-error-code') === 'RepoNotFound' &&
      hidden.headers.get('x-error-code') === 'RepoNotFound',
  );

  // 4. Slow bodies: anonymous, read-only and writer tricklers on the commit route.
  const { hostname, port } = new URL(url);
  const started = performance.now();
  const sockets: { socket: Socket; closedAfterMs: Promise<number>; firstLine: () => string }[] = [];
  for (let i = 0; i < TRICKLERS; i++) {
    const token = [undefined, reader, mallory][i % 3];
    const socket = connect(Number(port), hostname);
    let got = '';
    socket.on('data', (c) => {
      got += c;
    });
    socket.on('error', () => {});
    const closedAfterMs = new Promise<number>((r) =>
      socket.on('close', () => r(performance.now() - started)),
    );
    socket.on('connect', () =>
      socket.write(
        `POST /api/v1/models/mallory/slow/commits HTTP/1.1\r\nHost: zoo\r\nContent-Type: application/json\r\n` +
          `Content-Length: 1000000\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n{"files": [`,
      ),
    );
    sockets.push({
      socket,
      closedAfterMs,
      firstLine: () => got.split('\r\n')[0] || '(closed, nothing sent)',
    });
  }
  const deadline = (BODY_TIMEOUT_S + 5) * 1000;
  const closed = await Promise.all(
    sockets.map((s) =>
      Promise.race([s.closedAfterMs, new Promise<number>((r) => setTimeout(() => r(Infinity), deadline))]),
    ),
  );
  for (const s of sockets) s.socket.destroy();
  const answers = new Map<string, number>();
  for (const s of sockets) answers.set(s.firstLine(), (answers.get(s.firstLine()) ?? 0) + 1);
  const stillOpen = closed.filter((t) => t === Infinity).length;
  probe(
    `4 ${TRICKLERS} connections trickling commit bodies (cap ${CONNECTION_CAP}/address, body limit ${BODY_TIMEOUT_S} s)`,
    `every connection closed within ${BODY_TIMEOUT_S + 5} s: 401/403 at once, 408 after the body limit, extras closed`,
    `${stillOpen} still open; last closed after ${(Math.max(...closed.filter((t) => t !== Infinity), 0) / 1000).toFixed(1)} s; ` +
      [...answers].map(([line, n]) => `${n}x ${line}`).join(', '),
    stillOpen === 0,
  );

  // 5. Leaderboard flood.
  const flood = [];
  for (let i = 0; i < 20; i++) {
    flood.push(
      (
        await call(
          '/api/v1/benchmarks/nuscenes-detection@v1/self-reported',
          json(reader, {
            name: `flood ${i}`,
            model: 'victim/rot',
            source: 'trust me',
            metrics: { NDS: 0.99 },
          }),
        )
      ).status,
    );
  }
  const own = [];
  for (let i = 0; i < 7; i++) {
    own.push(
      (
        await call(
          '/api/v1/benchmarks/nuscenes-detection@v1/self-reported',
          json(victim, { name: `own ${i}`, model: 'victim/rot', source: 'run log', metrics: { NDS: 0.99 } }),
        )
      ).status,
    );
  }
  const board = (await (await call('/api/v1/benchmarks/nuscenes-detection@v1/leaderboard')).json()) as {
    rows: { name: string; status: string }[];
  };
  probe(
    '5 20 self-reported NDS 0.99 rows with a read token, then 7 with the model owner',
    'read token 403 each; owner 201 until the quota (5), then 429; the default leaderboard holds no self-reported row',
    `read: ${[...new Set(flood)].join('/')}; owner: ${own.join(' ')}; top row "${board.rows[0]?.name}" (${board.rows[0]?.status}), ` +
      `${board.rows.filter((r) => r.status === 'self-reported').length} self-reported rows ranked`,
    flood.every((s) => s === 403) &&
      own.filter((s) => s === 201).length === 5 &&
      own.slice(5).every((s) => s === 429) &&
      board.rows.every((r) => r.status !== 'self-reported'),
  );

  // 6. Push with an invalid card.
  const blobsBefore = (await readdir(join(data, 'blobs', 'sha256'))).length;
  const client = new ZooClient({
    endpoint: url,
    token: mallory,
    cacheDir: join(work, 'cache'),
    configPath: join(work, 'none.json'),
  });
  const refusal = await client
    .publish('mallory/bad', { 'w.bin': new Uint8Array([1, 2, 3]) }, { ...weightsCard('w.bin'), license: 42 })
    .then(
      () => 'published',
      (e: unknown) => (e instanceof ZooError ? e.code : String(e)),
    );
  const blobsAfter = (await readdir(join(data, 'blobs', 'sha256'))).length;
  probe(
    '6 push with a card that breaks the schema',
    'refused by the client (InvalidCard) before any upload: no new blob',
    `${refusal}; blobs ${blobsBefore} -> ${blobsAfter}`,
    refusal === 'InvalidCard' && blobsAfter === blobsBefore,
  );

  // 7. JSON submission over --max-upload.
  const huge = JSON.stringify({ meta: {}, results: { pad: 'x'.repeat(MAX_UPLOAD + 1024) } });
  const submission = await call('/api/v1/benchmarks/nuscenes-detection@v1/submissions?name=huge', {
    method: 'POST',
    token: reader,
    headers: { 'Content-Type': 'application/json' },
    body: huge,
  });
  probe(
    `7 a ${(huge.length / 2 ** 20).toFixed(1)} MiB JSON submission with --max-upload ${MAX_UPLOAD >> 20} MiB`,
    '413 PayloadTooLarge',
    `${submission.status} ${submission.headers.get('x-error-code')}`,
    submission.status === 413,
  );

  // 8. Smaller findings.
  const longUrl = await new Promise<string>((resolve) => {
    const socket = connect(Number(port), hostname, () =>
      socket.end(`GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: zoo\r\n\r\n`),
    );
    let got = '';
    socket.on('data', (c) => {
      got += c;
    });
    socket.on('close', () => resolve(got));
    socket.on('error', () => resolve(got));
  });
  probe(
    '8a a 100 kB URL',
    '431 with a problem+json body',
    `${longUrl.split('\r\n')[0]}, body ${/"code":"(\w+)"/.exec(longUrl)?.[1] ?? '(none)'}`,
    /^HTTP\/1\.1 431/.test(longUrl) && longUrl.includes('application/problem+json'),
  );
  const badEncoding = await call('/victim/m%E0%A4%A/resolve/main/w.bin');
  const detail = ((await badEncoding.json()) as { detail: string }).detail;
  probe(
    '8b malformed percent-encoding in a path',
    '400 naming the malformed parameter',
    `${badEncoding.status}: ${detail}`,
    badEncoding.status === 400 && detail.includes('percent-encoding'),
  );
  const old = await call('/api/v1/models', { token: expired });
  probe(
    '8c a token past its expiry',
    '401 saying it expired',
    `${old.status}: ${((await old.json()) as { detail: string }).detail}`,
    old.status === 401,
  );
  const pageHtml = await (await call('/models/victim/rot')).text();
  probe(
    '8d the model page',
    'shows the pull command of the revision',
    pageHtml.includes('mim4d-zoo pull victim/rot@') ? 'pull command shown' : 'no pull command',
    pageHtml.includes('mim4d-zoo pull victim/rot@'),
  );

  // Regressions of what the first attack found handled correctly.
  const traversal = await call('/victim/rot/resolve/main/..%2F..%2F..%2Fetc%2Fpasswd');
  const badToken = await call('/api/v1/models', { token: 'mzt_forged' });
  probe(
    'R  path traversal and a forged token',
    'traversal 400/404, forged token 401',
    `${traversal.status} ${traversal.headers.get('x-error-code')}, ${badToken.status}`,
    [400, 404].includes(traversal.status) && badToken.status === 401,
  );
} finally {
  await zoo?.stop();
  await rm(work, { recursive: true, force: true });
}
console.log(failures === 0 ? 'all probes as expected' : `${failures} probe(s) not as expected`);
process.exitCode = failures === 0 ? 0 : 1;
