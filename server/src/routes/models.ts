import { createHash } from 'node:crypto';
import {
  type ModelInfo,
  type ModelList,
  type ModelSummary,
  type RevisionManifest,
  type Tag,
  type TagRequest,
  tagRequestSchema,
} from '@mim4d/zoo';
import { type Response, Router } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import { privateVisibility } from '../auth/scopes.ts';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import type { ModelRecord } from '../metadata/metadata-store.ts';
import { checkTag, type RevisionId } from '../names.ts';
import { bodyChecker } from './body-schema.ts';
import { findRevision, findVisibleModel, revisionCacheControl } from './lookup.ts';
import { jsonBody, writerOfNamespace } from './request-bodies.ts';

const MAX_PAGE = 100;

const tagRequest = bodyChecker<TagRequest>(tagRequestSchema, {
  status: 400,
  code: 'BadRequest',
  detail: 'body must be {"revision": "<40 hex revision id>"}',
});

/** Sends JSON with a strong ETag of its bytes, answering 304 when the caller already has them. */
function sendJsonWithEtag(
  req: Parameters<Parameters<Router['get']>[1]>[0],
  res: Response,
  body: unknown,
): void {
  const text = JSON.stringify(body);
  res.setHeader('ETag', `"${createHash('sha256').update(text).digest('hex')}"`);
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  res.type('application/json').send(text);
}

function modelSummary(model: ModelRecord): ModelSummary {
  return {
    id: `${model.namespace}/${model.name}`,
    private: model.private,
    head: model.head,
    createdAt: model.createdAt,
  };
}

function parseLimit(value: unknown): number {
  if (value === undefined) return 50;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new ProblemError(400, 'BadRequest', `limit must be an integer from 1 to ${MAX_PAGE}`);
  }
  return limit;
}

function parseCursor(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const decoded = typeof value === 'string' ? Buffer.from(value, 'base64url').toString('utf8') : '';
  if (!/^[^/]+\/[^/]+$/.test(decoded))
    throw new ProblemError(400, 'BadRequest', 'cursor is not one this server issued');
  return decoded;
}

/** Model listing, model info, refs, manifests and tags under /api/v1. */
export function modelRoutes(ctx: ZooContext): Router {
  const router = Router();

  router.get('/api/v1/models', async (req, res) => {
    const q = req.query.q;
    if (q !== undefined && (typeof q !== 'string' || q.length > 200)) {
      throw new ProblemError(400, 'BadRequest', 'q must be one string of at most 200 characters');
    }
    const limit = parseLimit(req.query.limit);
    const page = await ctx.meta.listModels({
      q: q || undefined,
      after: parseCursor(req.query.cursor),
      limit,
      visibility: privateVisibility(principalOf(res)),
    });
    const nextCursor = page.next ? Buffer.from(page.next).toString('base64url') : null;
    if (nextCursor) {
      const params = new URLSearchParams({ ...(q ? { q } : {}), limit: String(limit), cursor: nextCursor });
      res.setHeader('Link', `</api/v1/models?${params}>; rel="next"`);
    }
    const list: ModelList = { models: page.models.map(modelSummary), nextCursor };
    res.json(list);
  });

  router.get('/api/v1/models/:ns/:name', async (req, res) => {
    const model = await findVisibleModel(ctx, res, req.params.ns, req.params.name);
    const refs = await ctx.meta.getRefs(model);
    const shown = await ctx.meta.getRevision(refs.main ?? model.head);
    res.setHeader('Cache-Control', 'no-cache');
    const info: ModelInfo = {
      ...modelSummary(model),
      ...(shown ? { revision: shown.id, card: shown.card } : {}),
      refs,
    };
    res.json(info);
  });

  router.get('/api/v1/models/:ns/:name/refs', async (req, res) => {
    const model = await findVisibleModel(ctx, res, req.params.ns, req.params.name);
    res.setHeader('Cache-Control', 'no-cache');
    sendJsonWithEtag(req, res, { head: model.head, refs: await ctx.meta.getRefs(model) });
  });

  router.get('/api/v1/models/:ns/:name/revisions/:rev/manifest', async (req, res) => {
    const model = await findVisibleModel(ctx, res, req.params.ns, req.params.name);
    const { revision, byId } = await findRevision(ctx, model, req.params.rev);
    res.setHeader('Cache-Control', revisionCacheControl(byId, !model.private));
    res.setHeader('X-Zoo-Revision', revision.id);
    const manifest: RevisionManifest = {
      revision: revision.id,
      parent: revision.parent,
      createdAt: revision.createdAt,
      message: revision.message,
      files: revision.files.map((f) => ({ path: f.path, size: f.sizeBytes, sha256: f.sha256 })),
      card: revision.card,
    };
    sendJsonWithEtag(req, res, manifest);
  });

  router.post('/api/v1/models/:ns/:name/tags/:tag', writerOfNamespace, jsonBody(ctx), async (req, res) => {
    const model = await findVisibleModel(ctx, res, req.params.ns, req.params.name);
    checkTag(req.params.tag);
    // The schema's pattern is isRevisionId's.
    const revision = tagRequest(req.body).revision as RevisionId;
    if ((await ctx.meta.resolveRevision(model, revision)) !== revision) {
      throw new ProblemError(
        404,
        'RevisionNotFound',
        `${model.namespace}/${model.name} has no revision ${revision}`,
      );
    }
    await ctx.meta.setTag(model, req.params.tag, revision);
    const tag: Tag = { tag: req.params.tag, revision };
    res.json(tag);
  });

  return router;
}
