import type { FromSchema } from 'json-schema-to-ts';

export const BENCHMARK_TASKS = ['detection', 'hdmap', 'bev-seg'] as const;
export const ROW_STATUSES = ['verified', 'self-reported', 'baseline'] as const;
export type BenchmarkTask = (typeof BENCHMARK_TASKS)[number];
export type RowStatus = (typeof ROW_STATUSES)[number];

/** `<name>@v<version>`: a changed split, metric set or GT is a new version, never an edit. */
export const BENCHMARK_ID_PATTERN = '^[a-z0-9][a-z0-9-]*@v[0-9]+$';

const metricsSchema = {
  type: 'object',
  description: 'metric key -> value; fractions (0.326), not percent',
  additionalProperties: { type: 'number' },
} as const;

const metricSpecSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'description', 'higherIsBetter', 'unit'],
  properties: {
    key: { type: 'string', description: "key in a row's metrics, e.g. NDS" },
    description: { type: 'string' },
    higherIsBetter: { type: 'boolean' },
    unit: {
      enum: ['fraction', 'metres', 'radians', 'metres-per-second'],
      description: 'fraction values are shown as percent on the pages; the others as they are',
    },
  },
} as const;

export const benchmarkSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'title',
    'task',
    'dataset',
    'metrics',
    'primaryMetric',
    'groundTruth',
    'groundTruthInstalled',
    'submissionFormat',
    'submissionQuota',
  ],
  properties: {
    id: { type: 'string', pattern: BENCHMARK_ID_PATTERN },
    title: { type: 'string' },
    task: { enum: BENCHMARK_TASKS },
    dataset: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'version', 'split'],
      properties: { name: { type: 'string' }, version: { type: 'string' }, split: { type: 'string' } },
    },
    metrics: { type: 'array', items: metricSpecSchema },
    primaryMetric: { type: 'string', description: 'key of the metric rows are ranked by' },
    groundTruth: { type: 'string', description: "where the server's ground truth comes from, in words" },
    groundTruthInstalled: { type: 'boolean', description: 'whether submissions can be scored here' },
    submissionFormat: { type: 'string', description: 'what a submission body is, in words' },
    submissionQuota: {
      description: 'submissions a token may make per benchmark within the window (failed ones do not count)',
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['max', 'windowSeconds'],
          properties: { max: { type: 'integer' }, windowSeconds: { type: 'number' } },
        },
      ],
    },
  },
} as const;

export const benchmarkListSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['benchmarks'],
  properties: { benchmarks: { type: 'array', items: benchmarkSchema } },
} as const;

export const leaderboardRowSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'benchmark', 'name', 'metrics', 'status', 'provenance'],
  properties: {
    id: { type: 'string' },
    benchmark: { type: 'string' },
    name: { type: 'string' },
    model: { type: 'string', description: '`ns/name` of a zoo model, when the row belongs to one' },
    metrics: metricsSchema,
    status: { enum: ROW_STATUSES },
    provenance: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'date'],
      properties: {
        source: {
          type: 'string',
          description:
            'who reported the numbers: a paper or README for baselines, this server for verified rows',
        },
        sourceUrl: { type: 'string' },
        submittedBy: { type: 'string', description: 'token id; absent for seeded baselines' },
        submissionId: { type: 'string' },
        date: { type: 'string', description: 'ISO 8601' },
        toolkitVersion: { type: 'string', description: 'nuscenes-eval-ts@<version> for rows scored here' },
      },
    },
  },
} as const;

export const leaderboardSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['benchmark', 'primaryMetric', 'rows'],
  properties: {
    benchmark: { type: 'string' },
    primaryMetric: { type: 'string' },
    rows: { type: 'array', items: leaderboardRowSchema },
  },
} as const;

/** POST /api/v1/benchmarks/{id}/self-reported: numbers for a model the token may write to. */
export const selfReportedRowRequestSchema = {
  type: 'object',
  required: ['model', 'source', 'metrics'],
  properties: {
    name: { type: 'string', description: 'row name (defaults to the model)' },
    model: { type: 'string', description: '`ns/name` of the model the numbers are for' },
    source: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
      description: 'where the numbers come from (paper, run log)',
    },
    metrics: metricsSchema,
  },
} as const;

export type MetricSpec = FromSchema<typeof metricSpecSchema>;
export type Benchmark = FromSchema<typeof benchmarkSchema>;
export type BenchmarkList = FromSchema<typeof benchmarkListSchema>;
export type LeaderboardRow = FromSchema<typeof leaderboardRowSchema>;
export type Leaderboard = FromSchema<typeof leaderboardSchema>;
export type SelfReportedRowRequest = FromSchema<typeof selfReportedRowRequestSchema>;
