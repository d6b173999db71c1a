import { Router } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import { canWriteSomewhere } from '../auth/scopes.ts';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import { checkModelName, checkRepoPath, checkSha256 } from '../names.ts';
import { BlobMismatchError } from '../storage/blob-store.ts';
import { requireWrite } from './lookup.ts';

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

/**
 * Two-phase upload. The client declares each file's sha256 and size; the server answers which blobs it already
 * has (dedup) and where to PUT the others. A PUT is hashed while it streams to a temporary file and only becomes a
 * blob when hash and size match the declaration.
 */
export function uploadRoutes(ctx: ZooContext): Router {
  const router = Router();

  router.post('/api/v1/models/:ns/:name/uploads', async (req, res) => {
    const { ns, name } = req.params;
    checkModelName(ns, name);
    requireWrite(res, ns);
    const files = parseFileList(req.body, ctx.limits.maxUploadBytes);
    const answer = [];
    for (const f of files) {
      if (await ctx.integrity.isStored(f.sha256, f.size)) {
        answer.push({ ...f, exists: true });
      } else {
        await ctx.meta.declareUpload(f.sha256, f.size);
        answer.push({ ...f, exists: false, uploadUrl: `/api/v1/uploads/${f.sha256}` });
      }
    }
    res.json({ files: answer });
  });

  router.put('/api/v1/uploads/:sha256', async (req, res) => {
    const principal = principalOf(res);
    if (!canWriteSomewhere(principal)) {
      throw new ProblemError(
        principal.kind === 'anonymous' ? 401 : 403,
        principal.kind === 'anonymous' ? 'Unauthorized' : 'Forbidden',
        'uploading needs a token with a write:<ns> scope',
      );
    }
    const sha256 = checkSha256(req.params.sha256, 'the upload URL');
    const length = req.headers['content-length'];
    if (length === undefined || !/^\d+$/.test(length)) {
      res.setHeader('Connection', 'close');
      throw new ProblemError(
        411,
        'LengthRequired',
        'an upload needs a Content-Length equal to the declared size',
      );
    }
    const size = Number(length);
    if (size > ctx.limits.maxUploadBytes) {
      // The body is not read, so the connection cannot be reused.
      res.setHeader('Connection', 'close');
      throw new ProblemError(
        413,
        'PayloadTooLarge',
        `${size} bytes is over this server's ${ctx.limits.maxUploadBytes}-byte limit`,
      );
    }
    if (await ctx.integrity.isStored(sha256, size)) {
      req.resume();
      res.json({ sha256, size, created: false });
      return;
    }
    if (!(await ctx.meta.isUploadDeclared(sha256, size))) {
      res.setHeader('Connection', 'close');
      const declared = await ctx.meta.declaredSizes(sha256);
      throw declared.length > 0
        ? new ProblemError(
            422,
            'SizeMismatch',
            `Content-Length ${size} differs from the declared size ${declared.join(' or ')} of ${sha256}`,
          )
        : new ProblemError(
            404,
            'UploadNotDeclared',
            `declare ${sha256} with POST /api/v1/models/{ns}/{name}/uploads first`,
          );
    }
    try {
      const { created } = await ctx.blobs.putVerified(req, { sha256, sizeBytes: size });
      await ctx.integrity.recordVerified(sha256);
      res.status(created ? 201 : 200).json({ sha256, size, created });
    } catch (error) {
      if (error instanceof BlobMismatchError) {
        res.setHeader('Connection', 'close');
        throw new ProblemError(
          422,
          error.kind,
          `upload of ${sha256} refused and discarded: ${error.message}`,
        );
      }
      throw error;
    }
  });

  return router;
}
