import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

/** A socket to the zoo and everything it receives until the server closes it (or `give up` passes). */
function open(url: string): { socket: Socket; closed: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  return { socket, closed };
}

/** Fails the test if `promise` has not settled after `ms`, so a server that hangs cannot hang the suite. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Request headers announcing `length` body bytes, and the first few of them. */
const trickleStart = (path: string, length: number, token?: string) =>
  `POST ${path} HTTP/1.1\r\nHost: zoo\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n` +
  `${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n{"files": [`;

describe('slow and greedy clients', () => {
  let zoo: ZooFixture;
  before(async () => {
    zoo = await startZoo({ bodyTimeoutMs: 300, maxConnectionsPerAddress: 6 });
  });
  after(() => zoo.close());

  it('refuses a request it cannot authorise before reading its body', async () => {
    for (const token of [undefined, await zoo.token('read')]) {
      const { socket, closed } = open(zoo.url);
      socket.write(trickleStart('/api/v1/models/acme/x/commits', 100_000, token));
      const answer = await within(5_000, 'the refusal', closed);
      assert.match(answer, /^HTTP\/1\.1 40[13] /);
      assert.match(answer, /connection: close/i);
    }
  });

  it('cuts a JSON body that does not arrive within the body time limit, with 408', async () => {
    const { socket, closed } = open(zoo.url);
    socket.write(trickleStart('/api/v1/models/acme/x/commits', 100_000, await zoo.token('write:acme')));
    const answer = await within(5_000, 'the 408', closed);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /"code":"RequestTimeout"/);
  });

  it('closes connections from one address beyond the cap, and serves those within it', async () => {
    const kept = Array.from({ length: 6 }, () => open(zoo.url));
    await Promise.all(kept.map(({ socket }) => new Promise((r) => socket.once('connect', r))));
    const extra = open(zoo.url);
    assert.equal(await within(5_000, 'closing the 7th connection', extra.closed), '');
    kept[0].socket.write('GET /api/v1/models HTTP/1.1\r\nHost: zoo\r\nConnection: close\r\n\r\n');
    assert.match(await within(5_000, 'a request within the cap', kept[0].closed), /^HTTP\/1\.1 200 /);
    for (const { socket } of kept) socket.destroy();
  });
});
