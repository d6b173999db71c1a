import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ZooClient } from '@mim4d/zoo';
import { S3BlobStore } from '../src/storage/s3-blob-store.ts';
import { s3ClientFor } from '../src/storage/s3-client.ts';
import { CuttingProxy } from './client/cutting-proxy.ts';
import { backboneRevision } from './helpers/backbone-files.ts';
import { pythonWithHfHub } from './helpers/hf-python.ts';
import { type TestS3, testS3 } from './helpers/test-s3.ts';
import { sha256Hex, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

const HF_CHECK = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'hf-client-check.py');

/**
 * Downloads served from an object store: passed through the server (every block checked), or, with
 * --redirect-downloads, answered 302 to a presigned URL that the zoo client and huggingface_hub follow without
 * the bearer token. A redirect goes only to a blob the caller may see and whose stored bytes are the verified ones.
 * On the local S3 a recording proxy stands in front of the object store to see what reaches it.
 */
describe('downloads from S3: proxied and redirected', function () {
  this.timeout(120_000);
  let s3: TestS3;
  let recorder: CuttingProxy | undefined;
  let redirecting: ZooFixture;
  let proxied: ZooFixture;
  let reader: string;
  const weights = new Uint8Array(randomBytes(9 * 2 ** 20 + 3));
  const { files, card } = backboneRevision();
  const revisionFiles = { ...files, 'weights.bin': weights };

  before(async function () {
    const found = await testS3();
    if ('skip' in found) {
      console.log(`      skipped: ${found.skip}`);
      this.skip();
    }
    s3 = found;
    // The proxy rewrites Host, which a store that checks signatures would refuse: only the local one gets it. It
    // listens on another loopback address, as an object store is another host than the zoo (huggingface_hub follows
    // a redirect to the same host name, whatever the port, with the token).
    let endpoint = s3.location.endpoint;
    if (!process.env.MIM4D_TEST_S3_URL && s3.location.endpoint) {
      recorder = new CuttingProxy(s3.location.endpoint);
      endpoint = await recorder.start('127.0.0.2');
    }
    const client = s3ClientFor({ ...s3.location, ...(endpoint ? { endpoint } : {}) });
    redirecting = await startZoo({
      blobs: new S3BlobStore(client, s3.location, { redirectDownloads: true }),
    });
    const writer = await redirecting.token('write:acme');
    await redirecting.publish('acme/open', revisionFiles, { token: writer, card });
    await redirecting.publish('acme/secret', revisionFiles, { token: writer, card, private: true });
    proxied = await startZoo({ replicaOf: redirecting, blobs: new S3BlobStore(client, s3.location) });
    reader = await redirecting.token('read:acme');
    if (recorder) recorder.rules = { matches: () => false };
  });
  after(async () => {
    await proxied?.close();
    await redirecting?.close();
    await recorder?.stop();
    await s3?.close();
  });
  beforeEach(() => recorder?.exchanges.splice(0));

  /**
   * The presigned requests that reached the object store carried no Authorization header (a real S3 refuses one
   * beside a presigned signature, so there the download succeeding shows it).
   */
  function assertNoTokenReachedTheStore(): void {
    if (!recorder) return;
    const presigned = recorder.exchanges.filter((e) => e.path.includes('X-Amz-Signature='));
    assert.ok(presigned.length > 0, 'the download went to the object store');
    for (const exchange of presigned) {
      assert.equal(exchange.requestHeaders.authorization, undefined, `${exchange.method} ${exchange.path}`);
    }
  }

  async function client(zoo: ZooFixture, token?: string): Promise<ZooClient> {
    const dir = await mkdtemp(join(tmpdir(), 'mim4d-s3-client-'));
    after(() => rm(dir, { recursive: true, force: true }));
    return new ZooClient({
      endpoint: zoo.url,
      cacheDir: join(dir, 'cache'),
      configPath: join(dir, 'no-login.json'),
      ...(token ? { token } : {}),
    });
  }

  it('passes checked bytes through the server, whole and by range, without redirecting', async () => {
    const sha = sha256Hex(weights);
    const whole = await proxied.request(`/api/v1/blobs/sha256/${sha}`, { redirect: 'manual' });
    assert.equal(whole.status, 200);
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(weights));
    const part = await proxied.request(`/acme/open/resolve/main/weights.bin`, {
      headers: { Range: 'bytes=1048570-1048580' },
      redirect: 'manual',
    });
    assert.equal(part.status, 206);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(weights.subarray(1048570, 1048581)));
  });

  it('redirects a download to a presigned URL that the zoo client follows without its token', async () => {
    const answer = await redirecting.request('/acme/open/resolve/main/weights.bin', { redirect: 'manual' });
    assert.equal(answer.status, 302);
    assert.match(answer.headers.get('location') ?? '', /X-Amz-Signature=/);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    recorder?.exchanges.splice(0);
    const file = await (await client(redirecting, reader)).download('acme/secret', 'weights.bin');
    assert.ok((await readFile(file.localPath)).equals(weights));
    assertNoTokenReachedTheStore();
  });

  it('never redirects to a blob the caller may not see', async () => {
    const anonymous = await redirecting.request('/acme/secret/resolve/main/weights.bin', {
      redirect: 'manual',
    });
    assert.equal(anonymous.status, 404);
    const byHash = await redirecting.request(`/api/v1/blobs/sha256/${sha256Hex(weights)}`, {
      redirect: 'manual',
      token: await redirecting.token('read:other'),
    });
    assert.equal(byHash.status, 302, 'the public model names the same blob');
    const onlyPrivate = new Uint8Array(randomBytes(1000));
    await redirecting.publish(
      'acme/hidden',
      { ...files, 'extra.bin': onlyPrivate },
      {
        token: await redirecting.token('write:acme'),
        card,
        private: true,
      },
    );
    const hidden = await redirecting.request(`/api/v1/blobs/sha256/${sha256Hex(onlyPrivate)}`, {
      redirect: 'manual',
    });
    assert.equal(hidden.status, 404);
  });

  it('answers 500 instead of redirecting to stored bytes that changed since they were verified', async () => {
    const config = files['config.json'];
    const sha = sha256Hex(config);
    const damaged = Buffer.from(config);
    damaged[0] ^= 1;
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.location.bucket,
        Key: `${s3.location.prefix}blobs/sha256/${sha}`,
        Body: damaged,
      }),
    );
    const answer = await redirecting.request('/acme/open/resolve/main/config.json', { redirect: 'manual' });
    assert.equal(answer.status, 500);
    assert.equal(answer.headers.get('x-error-code'), 'BlobCorrupt');
  });

  it('serves huggingface_hub through the redirect, which it follows without the token', async function () {
    const found = await pythonWithHfHub();
    if ('skip' in found) {
      console.log(`      skipped: ${found.skip}`);
      this.skip();
    }
    const hfHome = await mkdtemp(join(tmpdir(), 'mim4d-hf-home-'));
    try {
      const zoo = redirecting;
      const writer = await zoo.token('write:hf');
      const revision = backboneRevision({ depth: 18 });
      await zoo.publish('hf/open', revision.files, { token: writer, card: revision.card });
      await zoo.publish('hf/secret', revision.files, { token: writer, card: revision.card, private: true });
      recorder?.exchanges.splice(0);
      const { stdout } = await promisify(execFile)(found.python, [HF_CHECK, 'hf/open', 'hf/secret', '1'], {
        env: {
          ...process.env,
          HF_ENDPOINT: zoo.url,
          HF_HOME: hfHome,
          HF_HUB_DISABLE_TELEMETRY: '1',
          // A token that reads another namespace: sent with every request, and hf/secret stays hidden.
          HF_TOKEN: await zoo.token('read:other'),
        },
        timeout: 300_000,
      }).catch((error: { stdout?: string; stderr?: string }) =>
        assert.fail(`hf-client-check.py failed:\n${error.stdout}\n${error.stderr}`),
      );
      assert.match(stdout, /huggingface_hub: all checks passed/);
      assertNoTokenReachedTheStore();
    } finally {
      await rm(hfHome, { recursive: true, force: true });
    }
  });
});
