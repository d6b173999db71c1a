import type { Response } from 'express';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import type { Benchmark } from '../leaderboards/benchmark.ts';
import type { Leaderboards } from '../leaderboards/leaderboards.ts';
import { findVisibleModel, requireWrite } from './lookup.ts';

/** The benchmark and row fields that the self-reported rows and the scored submissions both look up. */
export async function findBenchmark(boards: Leaderboards, id: string): Promise<Benchmark> {
  const benchmark = await boards.store.getBenchmark(id);
  if (!benchmark) {
    throw new ProblemError(
      404,
      'BenchmarkNotFound',
      `no benchmark "${id}"; GET /api/v1/benchmarks lists them`,
    );
  }
  return benchmark;
}

/**
 * `ns/name` of an existing model the caller may write to (rows and submissions attach to models this way); with
 * `required`, a missing model is refused.
 */
export async function writableModelRef(
  ctx: ZooContext,
  res: Response,
  value: unknown,
  field: string,
  required = false,
): Promise<string | undefined> {
  if ((value === undefined || value === '') && required) {
    throw new ProblemError(422, 'InvalidSubmission', `${field} must name the zoo model the numbers are for`, {
      errors: [{ path: field, message: 'a "namespace/name" of a model your token may write to' }],
    });
  }
  if (value === undefined || value === '') return undefined;
  const parts = typeof value === 'string' ? value.split('/') : [];
  if (parts.length !== 2)
    throw new ProblemError(422, 'InvalidSubmission', `${field} must be "namespace/name"`);
  const model = await findVisibleModel(ctx, res, parts[0], parts[1]);
  requireWrite(res, model.namespace);
  return `${model.namespace}/${model.name}`;
}

export function rowName(value: unknown, field: string, fallback?: string): string {
  const name = value === undefined || value === '' ? fallback : value;
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 200) {
    throw new ProblemError(
      422,
      'InvalidSubmission',
      `${field} must be a non-empty string of at most 200 characters`,
      {
        errors: [{ path: field, message: 'a non-empty string of at most 200 characters' }],
      },
    );
  }
  return name.trim();
}
