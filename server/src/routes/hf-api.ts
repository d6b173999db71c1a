import { type RequestHandler, Router } from 'express';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import type { FileEntry, ModelRecord, RevisionRecord } from '../metadata/metadata-store.ts';
import { findRevision, findVisibleModel, revisionCacheControl } from './lookup.ts';

// The HF client insists on a pointer size for LFS entries; this is the size of a git-lfs pointer file.
const LFS_POINTER_SIZE = 134;

function modelInfo(model: ModelRecord, revision: RevisionRecord) {
  return {
    id: `${model.namespace}/${model.name}`,
    modelId: `${model.namespace}/${model.name}`,
    author: model.namespace,
    sha: revision.id,
    private: model.private,
    gated: false,
    disabled: false,
    createdAt: model.createdAt,
    lastModified: revision.createdAt,
    tags: [],
    cardData: revision.card,
    siblings: revision.files.map((f) => ({
      rfilename: f.path,
      size: f.sizeBytes,
      blobId: f.sha256,
      lfs: { sha256: f.sha256, size: f.sizeBytes, pointerSize: LFS_POINTER_SIZE },
    })),
  };
}

function treeEntry(f: FileEntry) {
  return {
    type: 'file',
    path: f.path,
    oid: f.sha256,
    size: f.sizeBytes,
    lfs: { oid: f.sha256, size: f.sizeBytes, pointerSize: LFS_POINTER_SIZE },
  };
}

/** The folder entries and files directly under `dir` ('' for the root), as the HF tree route lists them. */
function listDirectory(files: FileEntry[], dir: string) {
  const prefix = dir ? `${dir}/` : '';
  const folders = new Set<string>();
  const direct: FileEntry[] = [];
  for (const f of files) {
    if (!f.path.startsWith(prefix)) continue;
    const rest = f.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) direct.push(f);
    else folders.add(prefix + rest.slice(0, slash));
  }
  return [
    ...[...folders].sort().map((path) => ({ type: 'directory', path, oid: path, size: 0 })),
    ...direct.map(treeEntry),
  ];
}

const COMMITS_PER_PAGE = 50;

/** A revision as `list_repo_commits` reads it: the first line of the message is the title. */
function commitEntry(model: ModelRecord, revision: RevisionRecord) {
  const [title, ...body] = revision.message.split('\n');
  return {
    id: revision.id,
    authors: [{ user: model.namespace }],
    date: revision.createdAt,
    title: title ?? '',
    message: body.join('\n').trim(),
  };
}

/**
 * The metadata routes `huggingface_hub` calls (`model_info`/`repo_info`, `list_repo_tree`, `list_repo_refs`,
 * `list_repo_commits`), in its JSON shapes, so `hf_hub_download`, `snapshot_download`, `repo_exists` and
 * `file_exists` work against this server with `HF_ENDPOINT` set.
 */
export function hfApiRoutes(ctx: ZooContext): Router {
  const router = Router();

  router.get('/api/models/:ns/:name', async (req, res) => {
    const model = await findVisibleModel(ctx, res, req.params.ns, req.params.name);
    const refs = await ctx.meta.getRefs(model);
    const revision = (await ctx.meta.getRevision(refs.main ?? model.head)) as RevisionRecord;
    res.setHeader('Cache-Control', 'no-cache');
    res.json(modelInfo(model, revision));
  });

  router.get('/api/models/:ns/:name/revision/:rev', async (req, res) => {
    const model = await findVisibleModel(ctx, res, req.params.ns, req.params.name);
    const { revision, byId } = await findRevision(ctx, model, req.params.rev);
    res.setHeader('Cache-Control', revisionCacheControl(byId, !model.private));
    res.json(modelInfo(model, revision));
  });

  const tree: RequestHandler<{ ns: string; name: string; rev: string; path?: string[] }> = async (
    req,
    res,
  ) => {
    const model = await findVisibleModel(ctx, res, req.params.ns, req.params.name);
    const { revision, byId } = await findRevision(ctx, model, req.params.rev);
    const dir = req.params.path ? req.params.path.join('/') : '';
    const recursive = req.query.recursive === 'true' || req.query.recursive === 'True';
    const inDir = revision.files.filter((f) => dir === '' || f.path.startsWith(`${dir}/`));
    if (dir !== '' && inDir.length === 0) {
      throw new ProblemError(
        404,
        'EntryNotFound',
        `${model.namespace}/${model.name}@${revision.id} has no folder "${dir}"`,
      );
    }
    res.setHeader('Cache-Control', revisionCacheControl(byId, !model.private));
    res.json(recursive ? inDir.map(treeEntry) : listDirectory(revision.files, dir));
  };
  // Our tags move like git branches (main, latest, v1), so the HF client sees each as a branch.
  router.get('/api/models/:ns/:name/refs', async (req, res) => {
    const model = await findVisibleModel(ctx, res, req.params.ns, req.params.name);
    const refs = await ctx.meta.getRefs(model);
    res.setHeader('Cache-Control', model.private ? 'private, no-cache' : 'no-cache');
    res.json({
      branches: Object.entries(refs).map(([name, revision]) => ({
        name,
        ref: `refs/heads/${name}`,
        targetCommit: revision,
      })),
      converts: [],
      tags: [],
      pullRequests: [],
    });
  });

  // Newest first along the parent chain, paged as the Hub pages (`?p=N`, a `Link: rel="next"` header).
  router.get('/api/models/:ns/:name/commits/:rev', async (req, res) => {
    const model = await findVisibleModel(ctx, res, req.params.ns, req.params.name);
    const { revision, byId } = await findRevision(ctx, model, req.params.rev);
    const page = typeof req.query.p === 'string' && /^\d{1,6}$/.test(req.query.p) ? Number(req.query.p) : 0;
    const entries = [];
    let current: RevisionRecord | null = revision;
    for (let skipped = 0; current && skipped < page * COMMITS_PER_PAGE; skipped++) {
      current = current.parent ? await ctx.meta.getRevision(current.parent) : null;
    }
    while (current && entries.length < COMMITS_PER_PAGE) {
      entries.push(commitEntry(model, current));
      current = current.parent ? await ctx.meta.getRevision(current.parent) : null;
    }
    if (current) {
      const next = `/api/models/${model.namespace}/${model.name}/commits/${encodeURIComponent(req.params.rev)}?p=${page + 1}`;
      res.setHeader('Link', `<${req.protocol}://${req.get('host')}${next}>; rel="next"`);
    }
    res.setHeader('Cache-Control', revisionCacheControl(byId, !model.private));
    res.json(entries);
  });

  router.get('/api/models/:ns/:name/tree/:rev', tree);
  router.get('/api/models/:ns/:name/tree/:rev/*path', tree);

  return router;
}
