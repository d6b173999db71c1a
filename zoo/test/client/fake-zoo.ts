import { createHash } from 'node:crypto';

export interface FakeFile {
  path: string;
  bytes: Uint8Array;
}

export interface FakeBehaviour {
  /** Answer range requests with the whole file (a server or proxy without range support). */
  ignoreRange?: boolean;
  /** Content-Range to send instead of the right one. */
  contentRange?: string;
  /** sha256 to advertise in X-Zoo-Sha256 / ETag instead of the right one. */
  advertisedSha?: string;
  /** Bytes appended to every body. */
  trailing?: Uint8Array;
}

/**
 * A `fetch` that plays the zoo's manifest and resolve routes for one revision from memory, with switchable
 * misbehaviour, so protocol edge cases are tested without a server. Records each request's headers.
 */
export function fakeZoo(revision: string, files: FakeFile[], behaviour: FakeBehaviour = {}) {
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const requests: { url: string; headers: Headers }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    requests.push({ url: url.pathname, headers });
    if (url.pathname.endsWith('/manifest')) {
      return Response.json({
        revision,
        parent: null,
        createdAt: '2025-01-01T00:00:00Z',
        files: files.map((f) => ({ path: f.path, size: f.bytes.length, sha256: sha(f.bytes) })),
      });
    }
    const file = files.find((f) => url.pathname.endsWith(`/resolve/${revision}/${f.path}`));
    if (!file) return new Response('{"code":"EntryNotFound","detail":"no such file"}', { status: 404 });
    const digest = behaviour.advertisedSha ?? sha(file.bytes);
    const common = { ETag: `"${digest}"`, 'X-Zoo-Sha256': digest };
    const range = /^bytes=(\d+)-$/.exec(headers.get('Range') ?? '');
    const tail = behaviour.trailing ?? new Uint8Array(0);
    if (range && !behaviour.ignoreRange && headers.get('If-Range') === `"${sha(file.bytes)}"`) {
      const start = Number(range[1]);
      const body = Buffer.concat([file.bytes.subarray(start), tail]);
      return new Response(body, {
        status: 206,
        headers: {
          ...common,
          'Content-Range':
            behaviour.contentRange ?? `bytes ${start}-${file.bytes.length - 1}/${file.bytes.length}`,
        },
      });
    }
    return new Response(Buffer.concat([file.bytes, tail]), { status: 200, headers: common });
  };
  return { fetch: fetchImpl, requests };
}
