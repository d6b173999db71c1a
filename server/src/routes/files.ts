import { Router } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import { privateVisibility } from '../auth/scopes.ts';
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
      cacheControl: revisionCacheControl(byId, !model.private),
    });
  });

  // A hash is not a capability: it leaks through manifests, logs and other people's repositories. A blob is served
  // when a revision of a model the caller may see names it; a blob only private models (or no commit) name is the
  // same 404 as one never stored, so its existence is not revealed.
  router.get('/api/v1/blobs/sha256/:hex', async (req, res) => {
    const { hex } = req.params;
    if (!isSha256(hex)) throw new ProblemError(400, 'BadRequest', `"${hex}" is not a lowercase hex sha256`);
    const visible = await ctx.meta.findVisibleBlob(hex, privateVisibility(principalOf(res)));
    if (!visible) {
      throw new ProblemError(404, 'BlobNotFound', `no blob ${hex} in a model visible to you`);
    }
    await sendBlob(ctx, req, res, {
      sha256: hex,
      sizeBytes: visible.blob.sizeBytes,
      path: hex,
      cacheControl: revisionCacheControl(true, visible.public),
    });
  });

  return router;
}
