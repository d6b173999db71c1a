import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { sha256File } from '../cache/hash-file.ts';
import { cardFileProblems, onnxIoMismatches } from '../card/card-files.ts';
import { type CardError, validateCard } from '../card/validate-card.ts';
import { OnnxFormatError } from '../onnx/read-io.ts';
import type { CommitCreated, CommitRequest, UploadPlan, UploadRequest } from '../wire/publishing.ts';
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

/**
 * The checks the server makes on commit, made before anything is uploaded: the card's schema, its artifacts
 * against the files, and each ONNX graph's inputs and outputs against the card.
 */
async function checkBeforeUpload(id: string, card: unknown, declared: Declared[]): Promise<void> {
  const validation = validateCard(card);
  const describeErrors = (errors: CardError[]) => errors.map((e) => `${e.path} ${e.message}`).join('; ');
  if (!validation.ok) {
    throw new ZooError(
      'InvalidCard',
      `publish ${id}: the card breaks the schema: ${describeErrors(validation.errors)}`,
    );
  }
  const fileErrors = cardFileProblems(
    validation.card,
    declared.map((d) => d.path),
  );
  if (fileErrors.length > 0) {
    throw new ZooError(
      'InvalidCard',
      `publish ${id}: the card and the files disagree: ${describeErrors(fileErrors)}`,
    );
  }
  const sources = new Map(declared.map((d) => [d.path, d.source]));
  const mismatches = await onnxIoMismatches(validation.card, async (path) => {
    const source = sources.get(path) as PublishSource;
    return typeof source === 'string' ? readFile(source) : source;
  }).catch((error: unknown) => {
    if (error instanceof OnnxFormatError)
      throw new ZooError('InvalidOnnx', `publish ${id}: ${error.message}`);
    throw error;
  });
  if (mismatches.length > 0) {
    const { path, problems } = mismatches[0];
    throw new ZooError(
      'OnnxMismatch',
      `publish ${id}: ${path} does not match its card: ${problems.join('; ')}`,
    );
  }
}

async function currentHead(http: ZooHttp, repo: RepoId): Promise<RevisionId | null> {
  const response = await http.request(`api/v1/models/${encodePath(repo.namespace, repo.name)}`, {
    what: `look up ${repoString(repo)}`,
    accept: [404],
  });
  if (response.status === 404) {
    const body = (await response.json().catch(() => ({}))) as { code?: string };
    if (body.code === 'RepoNotFound') return null;
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
 * Two-phase publish: check the card against the files (as the server will), declare every file's sha256 and size, stream only the blobs the server lacks (each one hashed
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
  await checkBeforeUpload(id, card, declared);
  const list = declared.map(({ path, sha256, size }) => ({ path, sha256, size }));
  const base = `api/v1/models/${encodePath(repo.namespace, repo.name)}`;
  const declaration: UploadRequest = { files: list };
  const plan = await http.json<Partial<UploadPlan>>(`${base}/uploads`, {
    what: `declare uploads to ${id}`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(declaration),
  });
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
  const request: CommitRequest = {
    parentRevision,
    card,
    files: list,
    ...(options.tags ? { tags: options.tags } : {}),
    ...(options.message !== undefined ? { message: options.message } : {}),
    ...(options.private !== undefined ? { private: options.private } : {}),
  };
  const commit = await http.json<Partial<CommitCreated>>(`${base}/commits`, {
    what: `commit to ${id}`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (typeof commit.revision !== 'string' || !isRevisionId(commit.revision)) {
    throw new ZooError('InvalidResponse', `commit to ${id}: the answer has no revision id`);
  }
  return { revision: commit.revision, uploaded, deduplicated };
}

/** Tries of one file's upload; each after the first resumes from the bytes the server holds. */
const UPLOAD_ATTEMPTS = 5;
/** Answers after which asking the server for its offset again and continuing makes sense. */
const RESUMABLE = new Set(['NetworkError', 'OffsetMismatch']);

/** What the server holds of the upload: `complete` once the blob is stored (by this client or another). */
async function heldBytes(
  http: ZooHttp,
  file: Declared,
  uploadUrl: string,
  what: string,
): Promise<{ offset: number; complete: boolean }> {
  const response = await http.request(uploadUrl, {
    what: `${what} (ask for the offset)`,
    method: 'HEAD',
    headers: { 'Upload-Length': String(file.size) },
  });
  const offset = Number(response.headers.get('Upload-Offset'));
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > file.size) {
    throw new ZooError(
      'InvalidResponse',
      `${what}: the server answered Upload-Offset "${response.headers.get('Upload-Offset')}" for a ${file.size}-byte file`,
    );
  }
  return { offset, complete: response.headers.get('Upload-Complete') === '?1' };
}

/**
 * Sends one file with the server's resumable protocol: HEAD for the bytes it holds, PATCH the rest. A dropped
 * connection (or a race with another uploader of the same blob) is followed by a new HEAD and PATCH from the new
 * offset, so an interrupted multi-GB upload does not start over. The server verifies the whole file's sha256.
 */
async function uploadOne(
  http: ZooHttp,
  file: Declared,
  uploadUrl: string,
  what: string,
  onProgress?: (progress: TransferProgress) => void,
): Promise<void> {
  let resumedFrom = 0;
  const report = (phase: TransferProgress['phase'], bytes: number) =>
    onProgress?.({ direction: 'upload', path: file.path, bytes, total: file.size, resumedFrom, phase });
  for (let attempt = 1; ; attempt++) {
    const held = await heldBytes(http, file, uploadUrl, what);
    if (held.complete) break;
    if (attempt > 1) resumedFrom = held.offset;
    try {
      await patchFrom(http, file, uploadUrl, held.offset, what, (bytes) => report('transfer', bytes));
      break;
    } catch (error) {
      if (!(error instanceof ZooError && RESUMABLE.has(error.code)) || attempt === UPLOAD_ATTEMPTS)
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  report('done', file.size);
}

async function patchFrom(
  http: ZooHttp,
  file: Declared,
  uploadUrl: string,
  offset: number,
  what: string,
  onBytes: (bytes: number) => void,
): Promise<void> {
  let sent = offset;
  const source =
    typeof file.source === 'string'
      ? createReadStream(file.source, { start: offset })
      : Readable.from([file.source.subarray(offset)]);
  const counted = source.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sent += chunk.length;
        onBytes(sent);
        done(null, chunk);
      },
    }),
  );
  source.on('error', (error: Error) => counted.destroy(error));
  await http.request(uploadUrl, {
    what,
    method: 'PATCH',
    headers: {
      'Content-Type': 'application/offset+octet-stream',
      'Content-Length': String(file.size - offset),
      'Upload-Offset': String(offset),
      'Upload-Length': String(file.size),
    },
    body: Readable.toWeb(counted) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit & { what: string; duplex: 'half' });
}
