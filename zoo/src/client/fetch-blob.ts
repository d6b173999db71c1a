import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { uniqueTempPath } from '../cache/atomic-file.ts';
import { acquireLock } from '../cache/blob-lock.ts';
import { hashFileInto } from '../cache/hash-file.ts';
import type { ZooCache } from '../cache/zoo-cache.ts';
import type { ManifestFile } from './manifest.ts';
import type { RepoId } from './names.ts';
import { ZooError } from './zoo-error.ts';
import type { ZooHttp } from './zoo-http.ts';

/** Progress of one file; `bytes` counts from the start of the file, so a resumed download starts part-full. */
export interface TransferProgress {
  direction: 'download' | 'upload';
  path: string;
  /** Bytes. */
  bytes: number;
  /** Bytes. */
  total: number;
  /** Bytes already on disk from an earlier try. */
  resumedFrom: number;
  /** `waiting` while another process holds the file's lock. */
  phase: 'waiting' | 'transfer' | 'done';
}

export interface FetchedBlob {
  blobPath: string;
  /** Body bytes received over the network by this call. */
  bytesTransferred: number;
  /** Where the transfer resumed from (0 for a fresh download). */
  resumedFrom: number;
}

export interface BlobRequest {
  repo: RepoId;
  file: ManifestFile;
  /** Endpoint-relative URL that serves the file (the immutable resolve URL). */
  url: string;
  /** Prefix of error messages. */
  what: string;
  onProgress?: (progress: TransferProgress) => void;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/**
 * Brings one blob into the cache: under the blob's lock, resumes `<sha>.incomplete` with `Range` + `If-Range` (a 200
 * answer means the server ignored the range or the validator changed, so the file restarts from 0), hashes every
 * byte, and renames only a file whose sha256 and size match the manifest. Without the lock (it could not be taken)
 * the download goes to a private temporary file with no resume.
 */
export async function fetchBlob(http: ZooHttp, cache: ZooCache, request: BlobRequest): Promise<FetchedBlob> {
  const { repo, file } = request;
  const blobPath = cache.layout.blob(repo, file.sha256);
  const nothingToDo = { blobPath, bytesTransferred: 0, resumedFrom: 0 };
  if ((await cache.blobState(repo, file)) === 'present') return nothingToDo;
  const report = (phase: TransferProgress['phase'], bytes: number, resumedFrom: number) =>
    request.onProgress?.({
      direction: 'download',
      path: file.path,
      bytes,
      total: file.size,
      resumedFrom,
      phase,
    });
  const lock = await acquireLock(blobPath, {
    isDone: async () => (await cache.blobState(repo, file)) === 'present',
    onWait: () => report('waiting', 0, 0),
  });
  if (lock === 'done') return nothingToDo;
  try {
    if (lock && (await cache.blobState(repo, file)) === 'present') return nothingToDo;
    const partial = lock ? cache.layout.incomplete(repo, file.sha256) : uniqueTempPath(blobPath);
    try {
      try {
        return await transfer(http, request, partial, blobPath, report);
      } catch (error) {
        // A resumed prefix is the least trusted part (another client version, a crash, a file that changed on the
        // server): when it is what failed, start over once from byte 0 before giving up.
        if (!(error instanceof RestartFromZero)) throw error;
        await rm(partial, { force: true });
        return await transfer(http, request, partial, blobPath, report);
      }
    } catch (error) {
      // Without the lock the partial file is private to this call and nobody could resume it.
      if (!lock) await rm(partial, { force: true });
      throw error;
    }
  } finally {
    if (lock) await lock.release();
  }
}

class RestartFromZero extends Error {}

async function transfer(
  http: ZooHttp,
  request: BlobRequest,
  partial: string,
  blobPath: string,
  report: (phase: TransferProgress['phase'], bytes: number, resumedFrom: number) => void,
): Promise<FetchedBlob> {
  const { file, what } = request;
  let hash = createHash('sha256');
  let offset = await sizeOf(partial);
  if (offset > file.size) {
    await rm(partial, { force: true });
    offset = 0;
  }
  if (offset > 0) await hashFileInto(hash, partial);
  let resumedFrom = offset;
  let received = 0;
  if (offset < file.size) {
    const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
    if (offset > 0) {
      headers.Range = `bytes=${offset}-`;
      headers['If-Range'] = `"${file.sha256}"`;
    }
    let response: Response;
    try {
      response = await http.request(request.url, { what, headers });
    } catch (error) {
      if (offset > 0 && error instanceof ZooError && error.status === 416) throw new RestartFromZero();
      throw error;
    }
    // After a redirect to an object store (--redirect-downloads) the ETag is the store's own (an MD5); the store
    // serves the sha256 the zoo stored with the object as metadata instead.
    const served =
      response.headers.get('X-Zoo-Sha256') ??
      response.headers.get('x-amz-meta-sha256') ??
      (response.redirected ? undefined : response.headers.get('ETag')?.replace(/^"|"$/g, ''));
    if (served && served !== file.sha256) {
      await response.body?.cancel();
      throw new ZooError(
        'InvalidResponse',
        `${what}: the server sent a file with sha256 ${served}, but the manifest says ${file.sha256}`,
        response.status,
      );
    }
    let append = false;
    if (response.status === 206 && offset > 0) {
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('Content-Range') ?? '');
      if (!range || Number(range[1]) !== offset || Number(range[3]) !== file.size) {
        await response.body?.cancel();
        throw new ZooError(
          'InvalidResponse',
          `${what}: asked for bytes ${offset}- of ${file.size}, got Content-Range "${response.headers.get('Content-Range')}"`,
          206,
        );
      }
      append = true;
    } else if (response.status !== 200) {
      await response.body?.cancel();
      throw new ZooError('InvalidResponse', `${what}: unexpected status ${response.status}`, response.status);
    }
    if (!append && offset > 0) {
      // The validator no longer matched (or ranges are unsupported): the whole file came back, so start over.
      hash = createHash('sha256');
      offset = 0;
      resumedFrom = 0;
    }
    received = await streamBody(
      response,
      partial,
      append,
      offset,
      hash,
      file.size,
      what,
      report,
      resumedFrom,
    );
    offset += received;
  } else if (file.size === 0) {
    await writeFile(partial, '');
  }
  return finish(request, partial, blobPath, hash.digest('hex'), offset, received, resumedFrom, report);
}

async function streamBody(
  response: Response,
  partial: string,
  append: boolean,
  startAt: number,
  hash: ReturnType<typeof createHash>,
  total: number,
  what: string,
  report: (phase: TransferProgress['phase'], bytes: number, resumedFrom: number) => void,
  resumedFrom: number,
): Promise<number> {
  if (!response.body)
    throw new ZooError('InvalidResponse', `${what}: the answer has no body`, response.status);
  let received = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (startAt + received > total) {
        done(
          new ZooError(
            'InvalidResponse',
            `${what}: the server sent more than the ${total} bytes the manifest lists`,
          ),
        );
        return;
      }
      hash.update(chunk);
      report('transfer', startAt + received, resumedFrom);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      tap,
      createWriteStream(partial, { flags: append ? 'a' : 'w', mode: 0o644, flush: true }),
    );
  } catch (error) {
    if (error instanceof ZooError) {
      await rm(partial, { force: true });
      throw error;
    }
    throw new ZooError(
      'DownloadInterrupted',
      `${what}: the transfer stopped at byte ${startAt + received} of ${total} (${(error as Error).message}); ` +
        'the partial file is kept and the next try resumes it',
    );
  }
  return received;
}

async function finish(
  request: BlobRequest,
  partial: string,
  blobPath: string,
  digest: string,
  size: number,
  received: number,
  resumedFrom: number,
  report: (phase: TransferProgress['phase'], bytes: number, resumedFrom: number) => void,
): Promise<FetchedBlob> {
  const { file, what } = request;
  if (size < file.size) {
    throw new ZooError(
      'DownloadInterrupted',
      `${what}: the body ended at byte ${size} of ${file.size}; the partial file is kept and the next try resumes it`,
    );
  }
  if (digest !== file.sha256) {
    await rm(partial, { force: true });
    if (resumedFrom > 0) throw new RestartFromZero();
    throw new ZooError(
      'ChecksumMismatch',
      `${what}: the ${size} bytes received hash to sha256 ${digest}, not ${file.sha256}; nothing was cached`,
    );
  }
  // Read-only, so an edit through a hard-linked snapshot file fails instead of silently changing the blob.
  await chmod(partial, 0o444);
  await rename(partial, blobPath);
  report('done', file.size, resumedFrom);
  return { blobPath, bytesTransferred: received, resumedFrom };
}
