import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TransferProgress } from '@mim4d/zoo';
import { type ClientWorld, revisionWithWeights, startClientWorld } from './client-fixture.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Node's fetch, except that the body of the first PATCH longer than `cutAfter` bytes fails there: the server receives
 * that much and then sees the connection drop, as with a network that goes away in the middle of a large upload.
 * `patches` records the Upload-Offset of every PATCH of that file.
 */
function fetchCuttingFirstPatch(cutAfter: number): { fetch: typeof fetch; patches: string[] } {
  const patches: string[] = [];
  let bigFile: string | undefined;
  const cutting: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    if (init?.method !== 'PATCH') return fetch(input, init);
    if (bigFile === undefined && Number(headers.get('Content-Length')) > cutAfter) bigFile = String(input);
    if (String(input) !== bigFile) return fetch(input, init);
    patches.push(headers.get('Upload-Offset') ?? '');
    if (patches.length > 1 || !(init.body instanceof ReadableStream)) return fetch(input, init);
    let passed = 0;
    const body = init.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          const room = cutAfter - passed;
          if (room <= 0) {
            controller.error(new Error('network went away'));
            return;
          }
          passed += Math.min(room, chunk.length);
          controller.enqueue(chunk.subarray(0, room));
        },
      }),
    );
    return fetch(input, { ...init, body } as RequestInit);
  };
  return { fetch: cutting, patches };
}

describe('zoo client: an interrupted push continues where the server stopped receiving', () => {
  let world: ClientWorld;
  before(async () => {
    world = await startClientWorld();
  });
  after(() => world.close());

  it('resumes the upload of a large file after the connection drops, and the pulled bytes are equal', async () => {
    const { files, card } = revisionWithWeights(6 * 2 ** 20);
    const dir = await world.tempDir();
    const onDisk: Record<string, string> = {};
    for (const [path, bytes] of Object.entries(files)) {
      onDisk[path] = join(dir, path);
      await writeFile(onDisk[path], bytes);
    }
    const cut = fetchCuttingFirstPatch(2 * 2 ** 20);
    const progress: TransferProgress[] = [];
    const publisher = await world.client({ token: world.writeToken, fetch: cut.fetch });
    const published = await publisher.publish('org/resumed', onDisk, card, {
      onProgress: (p) => progress.push(p),
    });

    const weights = progress.filter((p) => p.path === 'weights.bin' && p.phase === 'done');
    assert.equal(weights.length, 1);
    const resumedFrom = weights[0].resumedFrom;
    assert.ok(resumedFrom > 0 && resumedFrom <= 2 * 2 ** 20, `resumed from ${resumedFrom}`);
    assert.deepEqual(
      cut.patches.slice(0, 2),
      ['0', String(resumedFrom)],
      'the second PATCH starts at the offset',
    );

    const snapshot = await (await world.client()).snapshot('org/resumed', { revision: published.revision });
    for (const [path, bytes] of Object.entries(files)) {
      assert.equal(sha256(await readFile(join(snapshot.dir, path))), sha256(bytes), path);
    }
  });
});
