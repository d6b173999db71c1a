import { Router } from 'express';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import { isSha256 } from '../names.ts';
import { findRevision, findVisibleModel, revisionCacheControl } from './lookup.ts';
import { sendBlob } from './send-blob.ts';

export function fileRoutes(ctx: ZooContext): Router {
  const router = Router();

  // `rev` is a revision id or a tag. A tag is answered as the HF Hub answers a branch: the file itself, with the
  // revision it resolved to in X-Repo-Commit, so huggingface_hub caches it under that commit.
  router.get('/:ns/:name/resolve/:rev/*path', async (req, res) => {
    const { ns, name, rev } = req.params;
    const path = (req.params.path as unknown as string[]).join('/');
    const model = await findVisibleModel(ctx, res, ns, name);
    const { revision, byId } = await findRevision(ctx, model, rev);
    const file = revision.files.find((f) => f.path === path);
    if (!file) {
      throw new ProblemError(404, 'EntryNotFound', `${ns}/${name}@${revision.id} has no file "${path}"`);
    }
    await sendBlob(ctx, req, res, {
      sha256: file.sha256,
      sizeBytes: file.sizeBytes,
      path,
      revision: revision.id,
      cacheControl: revisionCacheControl(byId),
    });
  });

  // Blobs are readable by hash alone: a sha256 is unguessable, so knowing one is the capability (as with HF LFS).
  router.get('/api/v1/blobs/sha256/:hex', async (req, res) => {
    const { hex } = req.params;
    if (!isSha256(hex)) throw new ProblemError(400, 'BadRequest', `"${hex}" is not a lowercase hex sha256`);
    const record = await ctx.meta.getBlob(hex);
    if (!record) throw new ProblemError(404, 'BlobNotFound', `no blob ${hex}`);
    await sendBlob(ctx, req, res, {
      sha256: hex,
      sizeBytes: record.sizeBytes,
      path: hex,
      cacheControl: revisionCacheControl(true),
    });
  });

  return router;
}
