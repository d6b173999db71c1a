import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { sha256File } from '../cache/hash-file.ts';
import type { TransferProgress } from './fetch-blob.ts';
import {
  checkRepoPath,
  isRevisionId,
  type RepoId,
  type RevisionId,
  repoString,
  type Sha256Hex,
} from './names.ts';
import { ZooError } from './zoo-error.ts';
import { encodePath, type ZooHttp } from './zoo-http.ts';

/** A file to publish: a local file path (streamed, never read whole) or bytes. */
export type PublishSource = string | Uint8Array;

export interface PublishOptions {
  /** The revision this one replaces; `null` creates the model. Default: the model's current head, looked up. */
  parentRevision?: RevisionId | null;
  /** Default `['main']`. */
  tags?: string[];
  message?: string;
  private?: boolean;
  onProgress?: (progress: TransferProgress) => void;
}

export interface PublishResult {
  revision: RevisionId;
  /** Paths whose bytes were sent. */
  uploaded: string[];
  /** Paths the server already had (same sha256 and size), sent by reference only. */
  deduplicated: string[];
}

interface Declared {
  path: string;
  sha256: Sha256Hex;
  size: number;
  source: PublishSource;
}

async function describe(path: string, source: PublishSource): Promise<Declared> {
  if (typeof source === 'string') {
    const info = await stat(source).catch((error: Error) => {
      throw new Error(`${path}: cannot read ${source} (${error.message})`);
    });
    if (!info.isFile()) throw new Error(`${path}: ${source} is not a regular file`);
    return { path, sha256: await sha256File(source), size: info.size, source };
  }
  return {
    path,
    sha256: createHash('sha256').update(source).digest('hex') as Sha256Hex,
    size: source.length,
    source,
  };
}

async function currentHead(http: ZooHttp, repo: RepoId): Promise<RevisionId | null> {
  const response = await http.request(`api/v1/models/${encodePath(repo.namespace, repo.name)}`, {
    what: `look up ${repoString(repo)}`,
    accept: [404],
  });
  if (response.status === 404) {
    const body = (await response.json().catch(() => ({}))) as { code?: string };
    if (body.code === 'ModelNotFound') return null;
    throw new ZooError('InvalidResponse', `look up ${repoString(repo)}: 404 ${body.code ?? ''}`, 404);
  }
  const head = ((await response.json()) as { head?: unknown }).head;
  if (typeof head !== 'string' || !isRevisionId(head)) {
    throw new ZooError(
      'InvalidResponse',
      `look up ${repoString(repo)}: the answer has no revision id in "head"`,
    );
  }
  return head;
}

/**
 * Two-phase publish: declare every file's sha256 and size, stream only the blobs the server lacks (each one hashed
 * again by the server before it is kept), then commit the card and the file list against the parent revision. A
 * concurrent publish to the same model makes the later commit fail with `StaleParent` rather than overwrite.
 */
export async function publish(
  http: ZooHttp,
  repo: RepoId,
  files: Record<string, PublishSource>,
  card: unknown,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const id = repoString(repo);
  const entries = Object.entries(files);
  if (entries.length === 0) throw new Error(`publish ${id}: no files given`);
  const declared: Declared[] = [];
  for (const [path, source] of entries)
    declared.push(await describe(checkRepoPath(path, 'file path'), source));
  const list = declared.map(({ path, sha256, size }) => ({ path, sha256, size }));
  const base = `api/v1/models/${encodePath(repo.namespace, repo.name)}`;
  const plan = await http.json<{ files: { path: string; exists: boolean; uploadUrl?: string }[] }>(
    `${base}/uploads`,
    {
      what: `declare uploads to ${id}`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: list }),
    },
  );
  const uploaded: string[] = [];
  const deduplicated: string[] = [];
  for (const file of declared) {
    const answer = plan.files?.find((f) => f.path === file.path);
    if (!answer)
      throw new ZooError('InvalidResponse', `declare uploads to ${id}: no answer for "${file.path}"`);
    if (answer.exists) {
      deduplicated.push(file.path);
      continue;
    }
    if (typeof answer.uploadUrl !== 'string') {
      throw new ZooError(
        'InvalidResponse',
        `declare uploads to ${id}: "${file.path}" has neither exists nor uploadUrl`,
      );
    }
    await uploadOne(http, file, answer.uploadUrl, `upload ${id} ${file.path}`, options.onProgress);
    uploaded.push(file.path);
  }
  const parentRevision =
    options.parentRevision !== undefined ? options.parentRevision : await currentHead(http, repo);
  const commit = await http.json<{ revision?: unknown }>(`${base}/commits`, {
    what: `commit to ${id}`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      parentRevision,
      card,
      files: list,
      ...(options.tags ? { tags: options.tags } : {}),
      ...(options.message !== undefined ? { message: options.message } : {}),
      ...(options.private !== undefined ? { private: options.private } : {}),
    }),
  });
  if (typeof commit.revision !== 'string' || !isRevisionId(commit.revision)) {
    throw new ZooError('InvalidResponse', `commit to ${id}: the answer has no revision id`);
  }
  return { revision: commit.revision, uploaded, deduplicated };
}

async function uploadOne(
  http: ZooHttp,
  file: Declared,
  uploadUrl: string,
  what: string,
  onProgress?: (progress: TransferProgress) => void,
): Promise<void> {
  let sent = 0;
  const source =
    typeof file.source === 'string' ? createReadStream(file.source) : Readable.from([file.source]);
  const counted = source.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sent += chunk.length;
        onProgress?.({
          direction: 'upload',
          path: file.path,
          bytes: sent,
          total: file.size,
          resumedFrom: 0,
          phase: 'transfer',
        });
        done(null, chunk);
      },
    }),
  );
  source.on('error', (error: Error) => counted.destroy(error));
  await http.request(uploadUrl, {
    what,
    method: 'PUT',
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(file.size),
      'Repr-Digest': `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`,
    },
    body: Readable.toWeb(counted) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit & { what: string; duplex: 'half' });
  onProgress?.({
    direction: 'upload',
    path: file.path,
    bytes: file.size,
    total: file.size,
    resumedFrom: 0,
    phase: 'done',
  });
}
