import type { Readable } from 'node:stream';
import type { UploadPlan } from '@mim4d/zoo';
import { Router } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import { canWriteSomewhere } from '../auth/scopes.ts';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import { checkModelName, checkRepoPath, checkSha256, type Sha256Hex } from '../names.ts';
import { BlobMismatchError } from '../storage/blob-store.ts';
import { mayReuseStoredBlob } from './blob-reuse.ts';
import { jsonBody, writerOfNamespace } from './request-bodies.ts';

const MAX_FILES_PER_REQUEST = 1000;

interface DeclaredFile {
  path: string;
  sha256: ReturnType<typeof checkSha256>;
  size: number;
}

/** Checks a `{files:[{path,sha256,size}]}` list, naming the first bad entry by index. */
export function parseFileList(body: unknown, maxBytes: number): DeclaredFile[] {
  const files = (body as { files?: unknown } | undefined)?.files;
  if (!Array.isArray(files) || files.length === 0 || files.length > MAX_FILES_PER_REQUEST) {
    throw new ProblemError(
      422,
      'InvalidCommit',
      `files must be a list of 1 to ${MAX_FILES_PER_REQUEST} {path, sha256, size} objects`,
    );
  }
  const seen = new Set<string>();
  return files.map((entry: unknown, i: number) => {
    const { path, sha256, size } = (entry ?? {}) as Record<string, unknown>;
    if (typeof path !== 'string')
      throw new ProblemError(422, 'InvalidCommit', `files[${i}].path must be a string`);
    checkRepoPath(path, `files[${i}].path`);
    if (seen.has(path))
      throw new ProblemError(422, 'InvalidCommit', `files[${i}].path "${path}" is listed twice`);
    seen.add(path);
    const digest = checkSha256(sha256, `files[${i}].sha256`);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new ProblemError(422, 'InvalidCommit', `files[${i}].size must be a non-negative integer (bytes)`);
    }
    if (size > maxBytes) {
      throw new ProblemError(
        413,
        'PayloadTooLarge',
        `files[${i}] "${path}" is ${size} bytes; this server takes at most ${maxBytes}`,
      );
    }
    return { path, sha256: digest, size };
  });
}

type UploadResponse = Parameters<typeof principalOf>[0] & { setHeader(name: string, value: string): unknown };

/** The blob an upload request names, once the caller may write somewhere. */
function uploadTarget(param: string | undefined, res: UploadResponse) {
  const principal = principalOf(res);
  if (!canWriteSomewhere(principal)) {
    throw new ProblemError(
      principal.kind === 'anonymous' ? 401 : 403,
      principal.kind === 'anonymous' ? 'Unauthorized' : 'Forbidden',
      'uploading needs a token with a write:<ns> scope',
    );
  }
  return checkSha256(param, 'the upload URL');
}

/** A non-negative decimal byte count from a header, or undefined when the header is absent. */
function byteCount(
  value: string | string[] | undefined,
  header: string,
  res: UploadResponse,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) {
    res.setHeader('Connection', 'close');
    throw new ProblemError(400, 'BadRequest', `${header} must be a byte count`);
  }
  return Number(value);
}

function requiredLength(value: string | string[] | undefined, res: UploadResponse): number {
  const size = byteCount(value, 'Upload-Length', res);
  if (size === undefined) {
    res.setHeader('Connection', 'close');
    throw new ProblemError(400, 'BadRequest', 'a resumable upload needs Upload-Length: the declared size');
  }
  return size;
}

/** Only declared (sha256, size) pairs may be uploaded; a wrong size is named against the declared one. */
async function requireDeclared(
  ctx: ZooContext,
  res: UploadResponse,
  sha256: ReturnType<typeof checkSha256>,
  size: number,
  header: string,
): Promise<void> {
  if (await ctx.meta.isUploadDeclared(sha256, size)) return;
  res.setHeader('Connection', 'close');
  const declared = await ctx.meta.declaredSizes(sha256);
  throw declared.length > 0
    ? new ProblemError(
        422,
        'SizeMismatch',
        `${header} ${size} differs from the declared size ${declared.join(' or ')} of ${sha256}`,
      )
    : new ProblemError(
        404,
        'UploadNotDeclared',
        `declare ${sha256} with POST /api/v1/models/{ns}/{name}/uploads first`,
      );
}

/** A digest or size mismatch as a 422 (nothing of the upload is kept); anything else unchanged. */
function refusedUpload(error: unknown, sha256: string, res: UploadResponse): unknown {
  if (!(error instanceof BlobMismatchError)) return error;
  res.setHeader('Connection', 'close');
  return new ProblemError(422, error.kind, `upload of ${sha256} refused and discarded: ${error.message}`);
}

/** A verified upload: the blob's fingerprint, and the uploader's proof of possession. */
async function recordUpload(ctx: ZooContext, res: UploadResponse, sha256: Sha256Hex): Promise<void> {
  await ctx.integrity.recordVerified(sha256);
  const principal = principalOf(res);
  if (principal.kind === 'token') await ctx.meta.recordUploader(sha256, principal.tokenId);
}

/**
 * Two-phase upload. The client declares each file's sha256 and size; the server answers which blobs the caller
 * may reuse (stored, and named by a model it may read or uploaded by it before) and where to PUT the others. A PUT is hashed while it streams to a temporary file and only becomes a
 * blob when hash and size match the declaration. The same URL takes resumable uploads: HEAD (with Upload-Length)
 * answers Upload-Offset, the bytes held; PATCH (Upload-Offset, Upload-Length) appends a chunk, and the request that
 * completes the size verifies and publishes the blob. A dropped PATCH keeps what arrived.
 */
export function uploadRoutes(ctx: ZooContext): Router {
  const router = Router();

  router.post('/api/v1/models/:ns/:name/uploads', writerOfNamespace, jsonBody(ctx), async (req, res) => {
    const { ns, name } = req.params;
    checkModelName(ns, name);
    const files = parseFileList(req.body, ctx.limits.maxUploadBytes);
    const principal = principalOf(res);
    const answer: UploadPlan['files'] = [];
    for (const f of files) {
      if (await mayReuseStoredBlob(ctx, principal, f.sha256, f.size)) {
        answer.push({ ...f, exists: true });
      } else {
        await ctx.meta.declareUpload(f.sha256, f.size);
        answer.push({ ...f, exists: false, uploadUrl: `/api/v1/uploads/${f.sha256}` });
      }
    }
    res.json({ files: answer });
  });

  router.put('/api/v1/uploads/:sha256', async (req, res) => {
    const sha256 = uploadTarget(req.params.sha256, res);
    const size = byteCount(req.headers['content-length'], 'Content-Length', res);
    if (size === undefined) {
      res.setHeader('Connection', 'close');
      throw new ProblemError(
        411,
        'LengthRequired',
        'an upload needs a Content-Length equal to the declared size',
      );
    }
    if (size > ctx.limits.maxUploadBytes) {
      // The body is not read, so the connection cannot be reused.
      res.setHeader('Connection', 'close');
      throw new ProblemError(
        413,
        'PayloadTooLarge',
        `${size} bytes is over this server's ${ctx.limits.maxUploadBytes}-byte limit`,
      );
    }
    if (await mayReuseStoredBlob(ctx, principalOf(res), sha256, size)) {
      req.resume();
      res.json({ sha256, size, created: false });
      return;
    }
    await requireDeclared(ctx, res, sha256, size, 'Content-Length');
    try {
      const { created } = await ctx.blobs.putVerified(req, { sha256, sizeBytes: size });
      await recordUpload(ctx, res, sha256);
      res.status(created ? 201 : 200).json({ sha256, size, created });
    } catch (error) {
      throw refusedUpload(error, sha256, res);
    }
  });

  // Resumable uploads: HEAD says how many bytes the server holds, PATCH appends from there.
  const appending = new Map<string, { req: Readable; done: Promise<void> }>();

  router.head('/api/v1/uploads/:sha256', async (req, res) => {
    const sha256 = uploadTarget(req.params.sha256, res);
    const size = requiredLength(req.headers['upload-length'], res);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Upload-Length', String(size));
    if (await mayReuseStoredBlob(ctx, principalOf(res), sha256, size)) {
      res.setHeader('Upload-Offset', String(size));
      res.setHeader('Upload-Complete', '?1');
    } else {
      await requireDeclared(ctx, res, sha256, size, 'Upload-Length');
      res.setHeader('Upload-Offset', String(await ctx.blobs.partialLength({ sha256, sizeBytes: size })));
      res.setHeader('Upload-Complete', '?0');
    }
    res.status(204).end();
  });

  router.patch('/api/v1/uploads/:sha256', async (req, res) => {
    const sha256 = uploadTarget(req.params.sha256, res);
    const size = requiredLength(req.headers['upload-length'], res);
    const offset = byteCount(req.headers['upload-offset'], 'Upload-Offset', res);
    if (offset === undefined) {
      res.setHeader('Connection', 'close');
      throw new ProblemError(
        400,
        'BadRequest',
        'a PATCH needs Upload-Offset: the bytes the server holds (HEAD)',
      );
    }
    if (await mayReuseStoredBlob(ctx, principalOf(res), sha256, size)) {
      req.resume();
      res.setHeader('Upload-Offset', String(size));
      res.json({ sha256, size, created: false });
      return;
    }
    await requireDeclared(ctx, res, sha256, size, 'Upload-Length');
    const key = `${sha256}-${size}`;
    // The newest PATCH wins: an older one is usually a connection the client gave up on but the server has not seen
    // drop yet (a silent network can keep it open for minutes); it is cut, keeping the bytes it delivered.
    const older = appending.get(key);
    if (older) {
      older.req.destroy();
      await older.done;
    }
    let finished = () => {};
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    appending.set(key, { req, done });
    try {
      const spec = { sha256, sizeBytes: size };
      const held = await ctx.blobs.partialLength(spec);
      if (offset !== held) {
        res.setHeader('Connection', 'close');
        res.setHeader('Upload-Offset', String(held));
        throw new ProblemError(
          409,
          'OffsetMismatch',
          `Upload-Offset is ${offset} but the server holds ${held} bytes of ${sha256}; continue from ${held}`,
          { offset: held },
        );
      }
      const progress = await ctx.blobs.appendPartial(req, spec, offset).catch((error: unknown) => {
        // A dropped connection is how resumable uploads are meant to fail: what arrived is kept, nothing to log.
        if (req.destroyed && !(error instanceof BlobMismatchError)) {
          throw new ProblemError(
            400,
            'BadRequest',
            'the upload was interrupted; HEAD for the offset and continue',
          );
        }
        throw refusedUpload(error, sha256, res);
      });
      res.setHeader('Upload-Offset', String(progress.offset));
      if (!progress.complete) {
        res.status(204).end();
        return;
      }
      await recordUpload(ctx, res, sha256);
      res.status(progress.created ? 201 : 200).json({ sha256, size, created: progress.created });
    } finally {
      if (appending.get(key)?.req === req) appending.delete(key);
      finished();
    }
  });

  return router;
}
