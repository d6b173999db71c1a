import { basename } from 'node:path';
import { type NextFunction, type Response, Router } from 'express';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import { isSha256, type Sha256Hex } from '../names.ts';
import { findRevision, findVisibleModel, revisionCacheControl } from './lookup.ts';

interface BlobToSend {
  sha256: Sha256Hex;
  sizeBytes: number;
  filename: string;
  revision?: string;
  cacheControl: string;
}

/**
 * Sends a blob through `res.sendFile` (send 1.x), which handles HEAD, one Range (206; several give a full 200),
 * 416, If-Range, If-Match (412) and If-None-Match (304). send only trusts an ETag it finds already set, so the
 * strong sha256 ETag goes on first and send's weak size-mtime one is never made.
 */
async function sendBlob(ctx: ZooContext, res: Response, next: NextFunction, blob: BlobToSend) {
  await ctx.integrity.assertServable(blob.sha256);
  const path = ctx.blobs.localPath(blob.sha256);
  if (!path) throw new Error('this blob store has no local files; serving it needs a presigned-URL route');
  const etag = `"${blob.sha256}"`;
  res.setHeader('ETag', etag);
  res.setHeader('X-Linked-Etag', etag);
  res.setHeader('X-Linked-Size', String(blob.sizeBytes));
  res.setHeader('X-Zoo-Sha256', blob.sha256);
  res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(blob.sha256, 'hex').toString('base64')}:`);
  if (blob.revision) {
    res.setHeader('X-Zoo-Revision', blob.revision);
    res.setHeader('X-Repo-Commit', blob.revision);
  }
  res.setHeader('Cache-Control', blob.cacheControl);
  res.attachment(blob.filename);
  res.setHeader('Content-Type', 'application/octet-stream');
  res.sendFile(
    path,
    { cacheControl: false, lastModified: false, etag: false, dotfiles: 'allow' },
    (error) => {
      if (!error || res.headersSent) return;
      next(error);
    },
  );
}

export function fileRoutes(ctx: ZooContext): Router {
  const router = Router();

  // `rev` is a revision id or a tag. A tag is answered as the HF Hub answers a branch: the file itself, with the
  // revision it resolved to in X-Repo-Commit, so huggingface_hub caches it under that commit.
  router.get('/:ns/:name/resolve/:rev/*path', async (req, res, next) => {
    const { ns, name, rev } = req.params;
    const path = (req.params.path as unknown as string[]).join('/');
    const model = findVisibleModel(ctx, res, ns, name);
    const { revision, byId } = findRevision(ctx, model, rev);
    const file = revision.files.find((f) => f.path === path);
    if (!file) {
      throw new ProblemError(404, 'EntryNotFound', `${ns}/${name}@${revision.id} has no file "${path}"`);
    }
    await sendBlob(ctx, res, next, {
      sha256: file.sha256,
      sizeBytes: file.sizeBytes,
      filename: basename(path),
      revision: revision.id,
      cacheControl: revisionCacheControl(byId),
    });
  });

  // Blobs are readable by hash alone: a sha256 is unguessable, so knowing one is the capability (as with HF LFS).
  router.get('/api/v1/blobs/sha256/:hex', async (req, res, next) => {
    const { hex } = req.params;
    if (!isSha256(hex)) throw new ProblemError(400, 'BadRequest', `"${hex}" is not a lowercase hex sha256`);
    const record = ctx.meta.getBlob(hex);
    if (!record) throw new ProblemError(404, 'BlobNotFound', `no blob ${hex}`);
    await sendBlob(ctx, res, next, {
      sha256: hex,
      sizeBytes: record.sizeBytes,
      filename: hex,
      cacheControl: revisionCacheControl(true),
    });
  });

  return router;
}
