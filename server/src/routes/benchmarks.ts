import { randomBytes } from 'node:crypto';
import {
  type BenchmarkList,
  type ErrorItem,
  type Leaderboard,
  type SelfReportedRowRequest,
  selfReportedRowRequestSchema,
  type Benchmark as WireBenchmark,
} from '@mim4d/zoo';
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
import { bodyChecker } from './body-schema.ts';
import { anyToken, jsonBody } from './request-bodies.ts';

const selfReportedRow = bodyChecker<SelfReportedRowRequest>(selfReportedRowRequestSchema, {
  status: 422,
  code: 'InvalidSubmission',
  detail: 'a self-reported row is {model, source, metrics, name?}',
});

/** Self-reported metrics (numbers, by the schema): only the benchmark's metric keys, fractions within [0, 1]. */
function checkMetrics(benchmark: Benchmark, metrics: Record<string, number>): Record<string, number> {
  const errors: ErrorItem[] = [];
  for (const [key, v] of Object.entries(metrics)) {
    const spec = benchmark.metrics.find((m) => m.key === key);
    const path = `/metrics/${key}`;
    if (!spec)
      errors.push({
        path,
        message: `not a metric of ${benchmark.id}: use ${benchmark.metrics.map((m) => m.key).join(', ')}`,
      });
    // JSON reads 1e400 as Infinity.
    else if (!Number.isFinite(v)) errors.push({ path, message: 'must be a finite number' });
    else if (spec.unit === 'fraction' && (v < 0 || v > 1))
      errors.push({ path, message: 'is a fraction in [0, 1] (0.47, not 47)' });
    else if (v < 0) errors.push({ path, message: 'cannot be negative' });
  }
  if (!(benchmark.primaryMetric in metrics))
    errors.push({ path: `/metrics/${benchmark.primaryMetric}`, message: 'the primary metric is required' });
  if (errors.length > 0) {
    throw new ProblemError(422, 'InvalidSubmission', `the metrics do not fit ${benchmark.id}`, { errors });
  }
  return metrics;
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

  const describe = async (benchmark: Benchmark): Promise<WireBenchmark> => ({
    ...benchmark,
    groundTruthInstalled: (await boards.currentGroundTruth(benchmark)) !== null,
    submissionFormat: TASK_SCORING[benchmark.task].submissionForm,
    submissionQuota: boards.quota
      ? { max: boards.quota.max, windowSeconds: boards.quota.windowMs / 1000 }
      : null,
  });

  router.get('/api/v1/benchmarks', async (_req, res) => {
    const benchmarks = await boards.store.listBenchmarks();
    const list: BenchmarkList = { benchmarks: await Promise.all(benchmarks.map(describe)) };
    res.json(list);
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
    const board: Leaderboard = {
      benchmark: benchmark.id,
      primaryMetric: benchmark.primaryMetric,
      rows: await visibleRows(ctx.meta, principalOf(res), rows),
    };
    res.json(board);
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
      const body = selfReportedRow(req.body);
      // Only the model's authors may report numbers for it, and each report uses the submission quota.
      const model = await writableModelRef(ctx, res, body.model, '/model', true);
      const source = body.source.trim();
      if (source.length === 0) {
        throw new ProblemError(
          422,
          'InvalidSubmission',
          'source must say where the numbers come from (paper, run log)',
          { errors: [{ path: '/source', message: 'a non-empty string of at most 500 characters' }] },
        );
      }
      const row: LeaderboardRow = {
        id: `row_${randomBytes(8).toString('hex')}`,
        benchmark: benchmark.id,
        name: rowName(body.name, '/name', model),
        ...(model ? { model } : {}),
        metrics: checkMetrics(benchmark, body.metrics),
        status: 'self-reported',
        provenance: { source, submittedBy: principal.tokenId, date: new Date().toISOString() },
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
