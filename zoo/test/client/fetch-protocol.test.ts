import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sha256Hex } from '../../src/client/names.ts';
import { ZooClient } from '../../src/client/zoo-client.ts';
import { ZooError } from '../../src/client/zoo-error.ts';
import { type FakeBehaviour, fakeZoo } from './fake-zoo.ts';

const revision = 'e'.repeat(40);
const weights = new Uint8Array(randomBytes(200_000));
const sha = createHash('sha256').update(weights).digest('hex') as Sha256Hex;
const repo = { namespace: 'org', name: 'm' };

describe('download protocol edge cases (in-memory zoo)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mim4d-zoo-fetch-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function client(behaviour: FakeBehaviour = {}) {
    const zoo = fakeZoo(
      revision,
      [
        { path: 'weights.bin', bytes: weights },
        { path: 'empty.txt', bytes: new Uint8Array(0) },
      ],
      behaviour,
    );
    const c = new ZooClient({
      endpoint: 'http://zoo.invalid/prefix',
      cacheDir: join(dir, 'cache'),
      configPath: join(dir, 'none.json'),
      fetch: zoo.fetch,
    });
    return { client: c, requests: zoo.requests };
  }

  /** Leaves the first `n` bytes of the file as an interrupted download would. */
  async function leavePartial(c: ZooClient, n: number) {
    const partial = c.cache.layout.incomplete(repo, sha);
    await mkdir(join(partial, '..'), { recursive: true });
    await writeFile(partial, weights.subarray(0, n));
  }

  async function codeOf(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ZooError, String(error));
    return error.code;
  }

  it('resumes a partial file and asks relative to an endpoint with a path prefix', async () => {
    const { client: c, requests } = client();
    await leavePartial(c, 50_000);
    const file = await c.download('org/m', 'weights.bin');
    assert.equal(requests.at(-1)?.url, `/prefix/org/m/resolve/${revision}/weights.bin`);
    assert.equal(requests.at(-1)?.headers.get('Range'), 'bytes=50000-');
    assert.equal(file.resumedFrom, 50_000);
    assert.equal(file.bytesTransferred, 150_000);
    assert.deepEqual(new Uint8Array(await readFile(file.localPath)), weights);
  });

  it('restarts from 0 when the server ignores the range and sends the whole file', async () => {
    const { client: c } = client({ ignoreRange: true });
    await leavePartial(c, 50_000);
    const file = await c.download('org/m', 'weights.bin');
    assert.equal(file.resumedFrom, 0);
    assert.equal(file.bytesTransferred, weights.length);
    assert.deepEqual(new Uint8Array(await readFile(file.localPath)), weights);
  });

  it('finishes a partial file that is already complete without a request for its bytes', async () => {
    const { client: c, requests } = client();
    await leavePartial(c, weights.length);
    const file = await c.download('org/m', 'weights.bin');
    assert.equal(file.bytesTransferred, 0);
    assert.equal(requests.filter((r) => r.url.includes('/resolve/')).length, 0);
  });

  it('makes an empty file without downloading it', async () => {
    const { client: c, requests } = client();
    const file = await c.download('org/m', 'empty.txt');
    assert.equal((await stat(file.localPath)).size, 0);
    assert.equal(requests.filter((r) => r.url.includes('/resolve/')).length, 0);
  });

  it('refuses a range answer that starts elsewhere', async () => {
    const { client: c } = client({ contentRange: `bytes 0-199999/200000` });
    await leavePartial(c, 50_000);
    assert.equal(await codeOf(c.download('org/m', 'weights.bin')), 'InvalidResponse');
  });

  it('refuses a file the server itself says has another sha256, before reading it', async () => {
    const { client: c } = client({ advertisedSha: 'f'.repeat(64) });
    assert.equal(await codeOf(c.download('org/m', 'weights.bin')), 'InvalidResponse');
  });

  it('refuses a body longer than the manifest size and keeps nothing', async () => {
    const { client: c } = client({ trailing: new Uint8Array([1, 2, 3]) });
    assert.equal(await codeOf(c.download('org/m', 'weights.bin')), 'InvalidResponse');
    await assert.rejects(stat(c.cache.layout.incomplete(repo, sha)), { code: 'ENOENT' });
    await assert.rejects(stat(c.cache.layout.blob(repo, sha)), { code: 'ENOENT' });
  });

  it('still downloads, without resume, where the lock cannot be taken', async () => {
    const { client: c } = client();
    const blobs = join(c.cache.layout.modelDir(repo), 'blobs');
    await mkdir(blobs, { recursive: true });
    // An old plain file where the lock directory goes: taking it over as stale fails (it is no directory).
    const lockPath = `${c.cache.layout.blob(repo, sha)}.lock`;
    await writeFile(lockPath, 'not a directory');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(lockPath, old, old);
    const file = await c.download('org/m', 'weights.bin');
    assert.deepEqual(new Uint8Array(await readFile(file.localPath)), weights);
    assert.ok((await stat(lockPath)).isFile(), 'the download went ahead without the lock');
  });
});
