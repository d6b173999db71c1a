import type { Response } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import { canReadPrivate, canWrite } from '../auth/scopes.ts';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import type { ModelRecord, RevisionRecord } from '../metadata/metadata-store.ts';
import { checkModelName } from '../names.ts';

/** The model, if it exists and the caller may see it; a private model is a plain 404 to everyone else. */
export async function findVisibleModel(
  ctx: ZooContext,
  res: Response,
  ns: string,
  name: string,
): Promise<ModelRecord> {
  checkModelName(ns, name);
  const model = await ctx.meta.getModel({ namespace: ns, name });
  if (!model || (model.private && !canReadPrivate(principalOf(res), model.namespace))) {
    throw new ProblemError(
      404,
      'RepoNotFound',
      `model ${ns}/${name} does not exist or is not visible to you`,
    );
  }
  return model;
}

/** A revision of a visible model, by id or tag, with `byId` telling which (ids are immutable, tags move). */
export async function findRevision(
  ctx: ZooContext,
  model: ModelRecord,
  rev: string,
): Promise<{ revision: RevisionRecord; byId: boolean }> {
  const id = await ctx.meta.resolveRevision(model, rev);
  const revision = id ? await ctx.meta.getRevision(id) : null;
  if (!revision) {
    throw new ProblemError(
      404,
      'RevisionNotFound',
      `${model.namespace}/${model.name} has no revision or tag "${rev}"`,
    );
  }
  return { revision, byId: id === rev };
}

/**
 * Cache-Control for something addressed by revision: forever for an id, revalidate for a tag. What only a token
 * can read is `private`, so a shared cache never hands it to someone without one.
 */
export function revisionCacheControl(byId: boolean, shared: boolean): string {
  if (byId) return `${shared ? 'public' : 'private'}, max-age=31536000, immutable`;
  return shared ? 'no-cache' : 'private, no-cache';
}

/** 401 for anonymous callers, 403 for tokens without `write:<ns>` (or admin). */
export function requireWrite(res: Response, namespace: string): void {
  const principal = principalOf(res);
  if (principal.kind === 'anonymous') {
    throw new ProblemError(401, 'Unauthorized', `this needs a token with the write:${namespace} scope`);
  }
  if (!canWrite(principal, namespace)) {
    throw new ProblemError(403, 'Forbidden', `token ${principal.tokenId} lacks the write:${namespace} scope`);
  }
}
