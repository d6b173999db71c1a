import {
  type CommitCreated,
  cardFileProblems,
  type ModelCard,
  OnnxFormatError,
  onnxIoMismatches,
  validateCard,
} from '@mim4d/zoo';
import { Router } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import type { FileEntry } from '../metadata/metadata-store.ts';
import { checkModelName, checkTag, isRevisionId, type RevisionId } from '../names.ts';
import { mayReuseStoredBlob } from './blob-reuse.ts';
import { jsonBody, writerOfNamespace } from './request-bodies.ts';
import { parseFileList } from './uploads.ts';

interface CommitRequest {
  parent: RevisionId | null;
  card: ModelCard;
  files: FileEntry[];
  tags: string[];
  message: string;
  private: boolean;
}

function parseCommit(body: unknown, maxBytes: number): CommitRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProblemError(
      422,
      'InvalidCommit',
      'body must be a JSON object {parentRevision, card, files, tags?, message?, private?}',
    );
  }
  const b = body as Record<string, unknown>;
  const parent = b.parentRevision;
  if (parent !== null && (typeof parent !== 'string' || !isRevisionId(parent))) {
    throw new ProblemError(
      422,
      'InvalidCommit',
      'parentRevision must be null (a new model) or a 40-hex revision id',
    );
  }
  const tags = b.tags === undefined ? ['main'] : b.tags;
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    throw new ProblemError(422, 'InvalidCommit', 'tags must be a list of tag names');
  }
  for (const t of tags) checkTag(t);
  if (b.message !== undefined && (typeof b.message !== 'string' || b.message.length > 10_000)) {
    throw new ProblemError(422, 'InvalidCommit', 'message must be a string of at most 10000 characters');
  }
  if (b.private !== undefined && typeof b.private !== 'boolean') {
    throw new ProblemError(422, 'InvalidCommit', 'private must be true or false');
  }
  const validation = validateCard(b.card);
  if (!validation.ok) {
    throw new ProblemError(
      422,
      'InvalidCard',
      `the model card breaks the schema in ${validation.errors.length} place(s)`,
      {
        errors: validation.errors,
      },
    );
  }
  const files = parseFileList(body, maxBytes).map((f) => ({
    path: f.path,
    sha256: f.sha256,
    sizeBytes: f.size,
  }));
  return {
    parent: parent as RevisionId | null,
    card: validation.card,
    files,
    tags: [...new Set(tags as string[])],
    message: (b.message as string | undefined) ?? '',
    private: b.private === true,
  };
}

/** Every card artifact is a file of the commit, and every .onnx file of the commit has an artifact entry. */
function checkCardCoversFiles(card: ModelCard, files: FileEntry[]): void {
  const errors = cardFileProblems(
    card,
    files.map((f) => f.path),
  );
  if (errors.length > 0) {
    throw new ProblemError(422, 'InvalidCard', 'the card and the committed files disagree', { errors });
  }
}

/** Parses each ONNX artifact's graph and compares its inputs and outputs with the card. */
async function checkOnnxArtifacts(ctx: ZooContext, card: ModelCard, files: FileEntry[]): Promise<void> {
  const sha256Of = new Map(files.map((f) => [f.path, f.sha256]));
  const mismatches = await onnxIoMismatches(card, (path) =>
    ctx.blobs.readAll(sha256Of.get(path) as FileEntry['sha256']),
  ).catch((error: unknown) => {
    if (error instanceof OnnxFormatError) throw new ProblemError(422, 'InvalidOnnx', error.message);
    throw error;
  });
  if (mismatches.length > 0) {
    const first = mismatches[0];
    throw new ProblemError(422, 'OnnxMismatch', `${first.path}: ${first.problems[0]}`, { mismatches });
  }
}

/** Publishing: validate the request and card, check blobs and ONNX graphs, then commit atomically. */
export function commitRoutes(ctx: ZooContext): Router {
  const router = Router();

  router.post('/api/v1/models/:ns/:name/commits', writerOfNamespace, jsonBody(ctx), async (req, res) => {
    const { ns, name } = req.params;
    checkModelName(ns, name);
    const commit = parseCommit(req.body, ctx.limits.maxUploadBytes);
    checkCardCoversFiles(commit.card, commit.files);
    // A blob the caller may not reuse is answered like one never stored, so the answer reveals nothing.
    const principal = principalOf(res);
    const missing = [];
    for (const f of commit.files) {
      if (!(await mayReuseStoredBlob(ctx, principal, f.sha256, f.sizeBytes))) missing.push(f.path);
    }
    if (missing.length > 0) {
      throw new ProblemError(
        422,
        'MissingBlob',
        `no blob you uploaded or may read with the declared sha256 and size for: ${missing.join(', ')}`,
        {
          paths: missing,
        },
      );
    }
    await checkOnnxArtifacts(ctx, commit.card, commit.files);
    const outcome = await ctx.meta.commit({
      model: { namespace: ns, name },
      parent: commit.parent,
      private: commit.private,
      card: commit.card,
      files: commit.files,
      message: commit.message,
      tags: commit.tags,
    });
    if (outcome.ok) {
      const created: CommitCreated = { revision: outcome.revision };
      res.status(201).json(created);
      return;
    }
    switch (outcome.reason) {
      case 'StaleParent':
        throw new ProblemError(
          409,
          'StaleParent',
          `${ns}/${name} is at ${outcome.head ?? 'nothing'}, not ${commit.parent ?? 'nothing (new model)'}; rebase on the head and retry`,
          { head: outcome.head },
        );
      case 'ModelNotFound':
        throw new ProblemError(
          404,
          'RepoNotFound',
          `model ${ns}/${name} does not exist; create it with parentRevision null`,
        );
      case 'MissingBlob':
        throw new ProblemError(422, 'MissingBlob', `no stored blob for: ${outcome.paths.join(', ')}`, {
          paths: outcome.paths,
        });
    }
  });

  return router;
}
