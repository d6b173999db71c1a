import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SubmissionAccepted, SubmissionList, Submission as WireSubmission } from '@mim4d/zoo';
import { type Request, type Response, Router } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import { seesSubmissionsOf } from '../auth/scopes.ts';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import type { Submission } from '../leaderboards/benchmark.ts';
import type { StoredFile } from '../leaderboards/leaderboard-blobs.ts';
import type { Leaderboards } from '../leaderboards/leaderboards.ts';
import type { Sha256Hex } from '../names.ts';
import { findBenchmark, rowName, writableModelRef } from './benchmark-lookup.ts';
import { anyToken } from './request-bodies.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const LISTED_SUBMISSIONS = 100;

/**
 * The body, whatever its content type, streams into `file`, hashed on the way (the blob store names it by its
 * sha256); more than `maxBytes` is refused with 413.
 */
async function saveBody(req: Request, file: string, maxBytes: number): Promise<StoredFile> {
  await mkdir(dirname(file), { recursive: true });
  let bytes = 0;
  const hash = createHash('sha256');
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      hash.update(chunk);
      if (bytes > maxBytes)
        done(new ProblemError(413, 'PayloadTooLarge', `the result file exceeds ${maxBytes} bytes`));
      else done(null, chunk);
    },
  });
  await pipeline(req, limit, createWriteStream(file));
  if (bytes === 0) {
    throw new ProblemError(422, 'InvalidSubmission', 'the request body is empty; send the result file', {
      errors: [{ path: '$', message: 'the result file (or archive) is required' }],
    });
  }
  return { sha256: hash.digest('hex') as Sha256Hex, sizeBytes: bytes };
}

function accepted(res: Response, submission: Submission): void {
  res.setHeader('Location', `/api/v1/submissions/${submission.id}`);
  const answer: SubmissionAccepted = { submissionId: submission.id, status: submission.status };
  res.status(202).json(answer);
}

/** A stored submission as the API sends it: each error's rule is its message (and `rule`, for older clients). */
function wireSubmission(submission: Submission): WireSubmission {
  return {
    ...submission,
    errors: submission.errors.map((e) => ({ path: e.path, message: e.rule, rule: e.rule })),
  };
}

/**
 * Submissions: POST stores the body and answers 202 at once; a child process validates and scores it in turn, and
 * GET /api/v1/submissions/{id} shows queued -> scoring -> verified or failed (with the errors, by JSON path).
 */
export function submissionRoutes(ctx: ZooContext, boards: Leaderboards): Router {
  const router = Router();

  router.post('/api/v1/benchmarks/:id/submissions', anyToken('submitting results'), async (req, res) => {
    const benchmark = await findBenchmark(boards, req.params.id);
    const principal = principalOf(res);
    if (principal.kind === 'anonymous') {
      throw new ProblemError(401, 'Unauthorized', 'submitting results needs a bearer token (any scope)');
    }
    if (!(await boards.currentGroundTruth(benchmark))) {
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
    const outcome = await boards.store.createSubmission(
      {
        id: `sub_${randomBytes(8).toString('hex')}`,
        benchmark: benchmark.id,
        name,
        ...(model ? { model } : {}),
        submittedBy: principal.tokenId,
        ...(key ? { idempotencyKey: key } : {}),
      },
      boards.quota,
    );
    if (outcome.kind === 'over-quota') {
      req.resume();
      const seconds = Math.max(1, Math.ceil((Date.parse(outcome.retryAt) - Date.now()) / 1000));
      res.setHeader('Retry-After', String(seconds));
      const quota = boards.quota ?? { max: 0, windowMs: 0 };
      throw new ProblemError(
        429,
        'QuotaExceeded',
        `this token has used its ${quota.max} submissions to ${benchmark.id} per ${quota.windowMs / 3_600_000} h (failed ones do not count); try again after ${outcome.retryAt}`,
        { retryAt: outcome.retryAt },
      );
    }
    const { submission } = outcome;
    if (outcome.kind === 'existing') {
      req.resume();
      if (submission.benchmark !== benchmark.id) {
        throw new ProblemError(
          409,
          'BadRequest',
          `Idempotency-Key was used for ${submission.id} on ${submission.benchmark}`,
        );
      }
      accepted(res, submission);
      return;
    }
    try {
      const received = await saveBody(req, boards.partialBodyPath(submission.id), ctx.limits.maxUploadBytes);
      await boards.storeBody(submission.id, received);
    } catch (error) {
      const rule = error instanceof ProblemError ? error.detail : 'the server could not read the upload';
      await boards.store.markFailed(submission.id, [{ path: '$', rule }]);
      await boards.discard(submission.id);
      throw error;
    }
    void boards.enqueue(submission);
    accepted(res, submission);
  });

  router.get('/api/v1/benchmarks/:id/submissions', async (req, res) => {
    const benchmark = await findBenchmark(boards, req.params.id);
    const whose = seesSubmissionsOf(principalOf(res));
    if (whose === undefined) {
      throw new ProblemError(401, 'Unauthorized', 'listing submissions needs a bearer token');
    }
    res.setHeader('Cache-Control', 'no-store');
    const listed = await boards.store.listSubmissions(benchmark.id, whose, LISTED_SUBMISSIONS);
    const list: SubmissionList = { submissions: listed.map(wireSubmission) };
    res.json(list);
  });

  router.get('/api/v1/submissions/:id', async (req, res) => {
    const submission = await boards.store.getSubmission(req.params.id);
    const whose = seesSubmissionsOf(principalOf(res));
    if (!submission || whose === undefined || (whose !== null && submission.submittedBy !== whose)) {
      throw new ProblemError(
        404,
        'SubmissionNotFound',
        `no submission ${req.params.id} visible to you (only its submitter's token and admin see it)`,
      );
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(wireSubmission(submission));
  });

  return router;
}
