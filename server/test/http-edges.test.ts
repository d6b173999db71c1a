import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createToken } from '../src/auth/tokens.ts';
import { rawRequest } from './helpers/raw-http.ts';
import { startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

/** Everything the server sends on one connection for `request`, until it closes it. */
function exchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('requests the HTTP layer refuses, and expired tokens', () => {
  let zoo: ZooFixture;
  before(async () => {
    zoo = await startZoo();
  });
  after(() => zoo.close());

  it('answers a 100 kB URL with a 431 problem document', async () => {
    const answer = await exchange(zoo.url, `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: zoo\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 431 /);
    assert.match(answer, /content-type: application\/problem\+json/i);
    assert.match(answer, /"code":"HeadersTooLarge"/);
  });

  it('names malformed percent-encoding in a path', async () => {
    const res = await rawRequest(zoo.url, 'GET', '/acme/m%E0%A4%A/resolve/main/x.bin');
    assert.equal(res.status, 400);
    const body = JSON.parse(res.body.toString()) as { detail: string };
    assert.match(body.detail, /percent-encoding/);
    assert.match(body.detail, /m%E0%A4%A/);
  });

  it('refuses an expired token with 401 saying so, and accepts it before it expires', async () => {
    const expired = createToken(zoo.stores.meta, 'old', ['read'], {
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    }).secret;
    const res = await zoo.request('/api/v1/models', { token: expired });
    assert.equal(res.status, 401);
    assert.match(((await res.json()) as { detail: string }).detail, /expired/);
    const valid = createToken(zoo.stores.meta, 'new', ['read'], {
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    }).secret;
    assert.equal((await zoo.request('/api/v1/models', { token: valid })).status, 200);
  });
});
