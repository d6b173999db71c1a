import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import {
  type Benchmark,
  type LeaderboardRow,
  ROW_STATUSES,
  type RowStatus,
  rankedByDefault,
} from '../leaderboards/benchmark.ts';
import type { Leaderboards } from '../leaderboards/leaderboards.ts';
import { visibleRows } from '../leaderboards/row-visibility.ts';
import { TASK_SCORING } from '../leaderboards/task-scoring.ts';
import { findBenchmark, rowName, writableModelRef } from './benchmark-lookup.ts';
import { anyToken, jsonBody } from './request-bodies.ts';

/** Self-reported metrics: only the benchmark's metric keys, finite numbers, fractions within [0, 1]. */
function parseMetrics(benchmark: Benchmark, value: unknown): Record<string, number> {
  const errors: { path: string; rule: string }[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ path: '/metrics', rule: 'must be an object of metric name -> number' });
  } else {
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [key, v] of entries) {
      const spec = benchmark.metrics.find((m) => m.key === key);
      const path = `/metrics/${key}`;
      if (!spec)
        errors.push({
          path,
          rule: `not a metric of ${benchmark.id}: use ${benchmark.metrics.map((m) => m.key).join(', ')}`,
        });
      else if (typeof v !== 'number' || !Number.isFinite(v))
        errors.push({ path, rule: 'must be a finite number' });
      else if (spec.unit === 'fraction' && (v < 0 || v > 1))
        errors.push({ path, rule: 'is a fraction in [0, 1] (0.47, not 47)' });
      else if (v < 0) errors.push({ path, rule: 'cannot be negative' });
    }
    if (!(benchmark.primaryMetric in (value as object)))
      errors.push({ path: `/metrics/${benchmark.primaryMetric}`, rule: 'the primary metric is required' });
  }
  if (errors.length > 0) {
    throw new ProblemError(422, 'InvalidSubmission', `the metrics do not fit ${benchmark.id}`, { errors });
  }
  return value as Record<string, number>;
}

function parseStatus(value: unknown): RowStatus | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !ROW_STATUSES.includes(value as RowStatus)) {
    throw new ProblemError(400, 'BadRequest', `status must be one of ${ROW_STATUSES.join(', ')}`);
  }
  return value as RowStatus;
}

/** Benchmarks, their leaderboards and self-reported rows under /api/v1; submissions are submissions.ts's. */
export function benchmarkRoutes(ctx: ZooContext, boards: Leaderboards): Router {
  const router = Router();

  const describe = async (benchmark: Benchmark) => ({
    ...benchmark,
    groundTruthInstalled: (await boards.currentGroundTruth(benchmark)) !== null,
    submissionFormat: TASK_SCORING[benchmark.task].submissionForm,
    submissionQuota: boards.quota
      ? { max: boards.quota.max, windowSeconds: boards.quota.windowMs / 1000 }
      : null,
  });

  router.get('/api/v1/benchmarks', async (_req, res) => {
    const benchmarks = await boards.store.listBenchmarks();
    res.json({ benchmarks: await Promise.all(benchmarks.map(describe)) });
  });

  router.get('/api/v1/benchmarks/:id', async (req, res) => {
    res.json(await describe(await findBenchmark(boards, req.params.id)));
  });

  router.get('/api/v1/benchmarks/:id/leaderboard', async (req, res) => {
    const benchmark = await findBenchmark(boards, req.params.id);
    const status = parseStatus(req.query.status);
    const listed = await boards.store.listRows(benchmark.id, status);
    const rows = status ? listed : listed.filter(rankedByDefault);
    res.setHeader('Cache-Control', 'no-cache');
    res.json({
      benchmark: benchmark.id,
      primaryMetric: benchmark.primaryMetric,
      rows: await visibleRows(ctx.meta, principalOf(res), rows),
    });
  });

  router.post(
    '/api/v1/benchmarks/:id/self-reported',
    anyToken('reporting results'),
    jsonBody(ctx),
    async (req, res) => {
      const benchmark = await findBenchmark(boards, req.params.id);
      const principal = principalOf(res);
      if (principal.kind === 'anonymous') {
        throw new ProblemError(401, 'Unauthorized', 'reporting results needs a bearer token');
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      // Only the model's authors may report numbers for it, and each report uses the submission quota.
      const model = await writableModelRef(ctx, res, body.model, '/model', true);
      const source = body.source;
      if (typeof source !== 'string' || source.trim().length === 0 || source.length > 500) {
        throw new ProblemError(
          422,
          'InvalidSubmission',
          'source must say where the numbers come from (paper, run log)',
          {
            errors: [{ path: '/source', rule: 'a non-empty string of at most 500 characters' }],
          },
        );
      }
      const row: LeaderboardRow = {
        id: `row_${randomBytes(8).toString('hex')}`,
        benchmark: benchmark.id,
        name: rowName(body.name, '/name', model),
        ...(model ? { model } : {}),
        metrics: parseMetrics(benchmark, body.metrics),
        status: 'self-reported',
        provenance: { source: source.trim(), submittedBy: principal.tokenId, date: new Date().toISOString() },
      };
      const retryAt = await boards.store.addSelfReportedRow(row, boards.quota);
      if (retryAt) {
        res.setHeader(
          'Retry-After',
          String(Math.max(1, Math.ceil((Date.parse(retryAt) - Date.now()) / 1000))),
        );
        throw new ProblemError(
          429,
          'QuotaExceeded',
          `this token has used its submission quota on ${benchmark.id} (self-reported rows count too); try again after ${retryAt}`,
          { retryAt },
        );
      }
      res.status(201).json(row);
    },
  );

  return router;
}
