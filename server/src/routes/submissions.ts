import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Request, type Response, Router } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import type { Submission } from '../leaderboards/benchmark.ts';
import { InvalidSubmissionError } from '../leaderboards/detection-scoring.ts';
import type { Leaderboards } from '../leaderboards/leaderboards.ts';
import { findBenchmark, rowName, writableModelRef } from './benchmarks.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * The body lands in a temporary file: streamed as it comes for non-JSON content types (large result files), or
 * written back out when the app's JSON parser already read a small `application/json` body.
 */
async function saveBody(req: Request, file: string, maxBytes: number): Promise<void> {
  if (typeof req.body === 'object' && req.body !== null) {
    await writeFile(file, JSON.stringify(req.body));
    return;
  }
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes)
        done(new ProblemError(413, 'PayloadTooLarge', `the result file exceeds ${maxBytes} bytes`));
      else done(null, chunk);
    },
  });
  await pipeline(req, limit, createWriteStream(file));
  if (bytes === 0) {
    throw new ProblemError(422, 'InvalidSubmission', 'the request body is empty; send the result file', {
      errors: [{ path: '$', rule: 'a {"meta": ..., "results": {...}} JSON document is required' }],
    });
  }
}

function accepted(res: Response, submission: Submission): void {
  res.setHeader('Location', `/api/v1/submissions/${submission.id}`);
  res.status(202).json({ submissionId: submission.id, status: submission.status });
}

function refused(submission: Submission): ProblemError {
  return new ProblemError(
    422,
    'InvalidSubmission',
    `submission ${submission.id} was refused by the evaluator`,
    {
      submissionId: submission.id,
      errors: submission.errors,
    },
  );
}

/** Scored submissions (POST .../submissions, 202 then GET /api/v1/submissions/{id}). */
export function submissionRoutes(ctx: ZooContext, boards: Leaderboards): Router {
  const router = Router();

  router.post('/api/v1/benchmarks/:id/submissions', async (req, res) => {
    const benchmark = await findBenchmark(boards, req.params.id);
    const principal = principalOf(res);
    if (principal.kind === 'anonymous') {
      throw new ProblemError(401, 'Unauthorized', 'submitting results needs a bearer token (any scope)');
    }
    if (!benchmark.scoring || !(await boards.hasGroundTruth(benchmark.id))) {
      throw new ProblemError(
        409,
        'ScoringUnavailable',
        `${benchmark.id} cannot score submissions on this server (no ground truth installed); use self-reported rows`,
      );
    }
    const model = await writableModelRef(ctx, res, req.query.model, 'model');
    const name = rowName(req.query.name, 'name', model);
    const key = req.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
      throw new ProblemError(400, 'BadRequest', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    const { submission, created } = await boards.store.createSubmission({
      id: `sub_${randomBytes(8).toString('hex')}`,
      benchmark: benchmark.id,
      name,
      ...(model ? { model } : {}),
      submittedBy: principal.tokenId,
      ...(key ? { idempotencyKey: key } : {}),
    });
    if (!created) {
      req.resume();
      if (submission.benchmark !== benchmark.id) {
        throw new ProblemError(
          409,
          'BadRequest',
          `Idempotency-Key was used for ${submission.id} on ${submission.benchmark}`,
        );
      }
      if (submission.status === 'failed') throw refused(submission);
      accepted(res, submission);
      return;
    }
    const file = join(tmpdir(), `mim4d-submission-${submission.id}.json`);
    try {
      await saveBody(req, file, ctx.limits.maxUploadBytes);
      const validated = await boards.validate(benchmark, file);
      void boards.enqueue(submission, validated);
      accepted(res, submission);
    } catch (error) {
      const errors =
        error instanceof InvalidSubmissionError
          ? error.errors
          : error instanceof ProblemError && error.extra.errors
            ? (error.extra.errors as Submission['errors'])
            : [
                {
                  path: '$',
                  rule: error instanceof ProblemError ? error.detail : 'the server could not read the upload',
                },
              ];
      await boards.store.markFailed(submission.id, errors);
      if (error instanceof InvalidSubmissionError) throw refused({ ...submission, errors });
      throw error;
    } finally {
      await rm(file, { force: true });
    }
  });

  router.get('/api/v1/submissions/:id', async (req, res) => {
    const submission = await boards.store.getSubmission(req.params.id);
    const principal = principalOf(res);
    const mine =
      principal.kind === 'token' &&
      (principal.scopes.includes('admin') || submission?.submittedBy === principal.tokenId);
    if (!submission || !mine) {
      throw new ProblemError(
        404,
        'SubmissionNotFound',
        `no submission ${req.params.id} visible to you (only its submitter's token and admin see it)`,
      );
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(submission);
  });

  return router;
}
