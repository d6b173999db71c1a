/** The leaderboard routes' part of the OpenAPI document (merged into `paths` by openapi.ts). */
import { SUBMISSION_STATUSES } from './benchmark.ts';
import { TASK_SCORING } from './task-scoring.ts';

const problem = (description: string) => ({
  description,
  headers: { 'X-Error-Code': { schema: { type: 'string' } } },
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const json = (description: string, schema: object) => ({
  description,
  content: { 'application/json': { schema } },
});
const id = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'benchmark id, `<name>@v<version>`',
  schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*@v[0-9]+$' },
};
const auth = [{ bearer: [] }];

const metrics = {
  type: 'object',
  description: 'metric key -> value; fractions (0.326), not percent',
  additionalProperties: { type: 'number' },
};
const benchmark = {
  type: 'object',
  required: ['id', 'task', 'dataset', 'metrics', 'primaryMetric'],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    task: { enum: ['detection', 'hdmap', 'bev-seg'] },
    dataset: {
      type: 'object',
      properties: { name: { type: 'string' }, version: { type: 'string' }, split: { type: 'string' } },
    },
    metrics: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          description: { type: 'string' },
          higherIsBetter: { type: 'boolean' },
          unit: { enum: ['fraction', 'metres', 'radians', 'metres-per-second'] },
        },
      },
    },
    primaryMetric: { type: 'string' },
    groundTruth: { type: 'string' },
    groundTruthInstalled: { type: 'boolean', description: 'whether submissions can be scored here' },
    submissionFormat: { type: 'string', description: 'what a submission body is, in words' },
    submissionQuota: {
      type: ['object', 'null'],
      description: 'submissions a token may make per benchmark within the window (failed ones do not count)',
      properties: { max: { type: 'integer' }, windowSeconds: { type: 'integer' } },
    },
  },
};
const row = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    benchmark: { type: 'string' },
    name: { type: 'string' },
    model: { type: 'string', description: '`ns/name` of a zoo model' },
    metrics,
    status: { enum: ['verified', 'self-reported', 'baseline'] },
    provenance: {
      type: 'object',
      properties: {
        source: { type: 'string' },
        sourceUrl: { type: 'string' },
        submittedBy: { type: 'string', description: 'token id' },
        submissionId: { type: 'string' },
        date: { type: 'string' },
        toolkitVersion: { type: 'string' },
      },
    },
  },
};
const error = { type: 'object', properties: { path: { type: 'string' }, rule: { type: 'string' } } };
const submission = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    benchmark: { type: 'string' },
    name: { type: 'string' },
    model: { type: 'string' },
    submittedBy: { type: 'string' },
    status: {
      enum: SUBMISSION_STATUSES,
      description: 'queued -> scoring -> verified (row added) or failed (errors say why)',
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    metrics,
    errors: {
      type: 'array',
      items: error,
      description: 'why it failed: path is a JSON path in the file, an archive member or $ (the whole body)',
    },
    rowId: { type: 'string', description: 'the verified leaderboard row, once scored' },
  },
};

export const leaderboardPaths = {
  '/api/v1/benchmarks': {
    get: {
      summary: 'list benchmarks',
      responses: {
        '200': json('benchmarks', {
          type: 'object',
          properties: { benchmarks: { type: 'array', items: benchmark } },
        }),
      },
    },
  },
  '/api/v1/benchmarks/{id}': {
    get: {
      summary: 'one benchmark: dataset, split, metric set, primary metric and direction',
      parameters: [id],
      responses: { '200': json('the benchmark', benchmark), '404': problem('BenchmarkNotFound') },
    },
  },
  '/api/v1/benchmarks/{id}/leaderboard': {
    get: {
      summary:
        'rows ranked by the primary metric: verified rows and baselines unless `status` picks one kind ' +
        '(self-reported rows are ranked only among themselves); rows of private models only for callers who may read them',
      parameters: [
        id,
        {
          name: 'status',
          in: 'query',
          schema: { enum: ['verified', 'self-reported', 'baseline'] },
        },
      ],
      responses: {
        '200': json('leaderboard', {
          type: 'object',
          properties: {
            benchmark: { type: 'string' },
            primaryMetric: { type: 'string' },
            rows: { type: 'array', items: row },
          },
        }),
        '400': problem('BadRequest: unknown status'),
        '404': problem('BenchmarkNotFound'),
      },
    },
  },
  '/api/v1/benchmarks/{id}/submissions': {
    get: {
      summary: "the caller's submissions to the benchmark, newest first (admin: everyone's), at most 100",
      security: auth,
      parameters: [id],
      responses: {
        '200': json('submissions', {
          type: 'object',
          properties: { submissions: { type: 'array', items: submission } },
        }),
        '401': problem('Unauthorized'),
        '404': problem('BenchmarkNotFound'),
      },
    },
    post: {
      summary:
        'submit results for scoring here against the server-held GT, in a child process one at a time; any valid ' +
        'token may submit, attaching the row to a model needs write:<ns>; poll the Location for the outcome',
      security: auth,
      parameters: [
        id,
        {
          name: 'name',
          in: 'query',
          description: 'row name (defaults to the model)',
          schema: { type: 'string' },
        },
        {
          name: 'model',
          in: 'query',
          description: '`ns/name` of a model to attach the row to',
          schema: { type: 'string' },
        },
        {
          name: 'Idempotency-Key',
          in: 'header',
          description: 'a retry with the same key returns the first submission',
          schema: { type: 'string' },
        },
      ],
      requestBody: {
        description: `detection: ${TASK_SCORING.detection.submissionForm}. hdmap: ${TASK_SCORING.hdmap.submissionForm}. bev-seg: ${TASK_SCORING['bev-seg'].submissionForm}. application/json is read up to the JSON limit; any other content type is streamed to disk.`,
        content: {
          'application/json': { schema: { type: 'object' } },
          'application/octet-stream': {},
          'application/x-tar': {},
          'application/gzip': {},
        },
      },
      responses: {
        '202': {
          description:
            'stored and queued; Location points at the submission, whose status says how scoring went',
          headers: { Location: { schema: { type: 'string' } } },
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { submissionId: { type: 'string' }, status: { type: 'string' } },
              },
            },
          },
        },
        '400': problem('MalformedJson, BadRequest'),
        '401': problem('Unauthorized'),
        '403': problem('Forbidden: no write scope for the model'),
        '404': problem('BenchmarkNotFound, RepoNotFound'),
        '409': problem('ScoringUnavailable: no GT installed for the benchmark'),
        '413': problem('PayloadTooLarge'),
        '422': problem('InvalidSubmission: empty body, bad name or model'),
        '429': {
          ...problem('QuotaExceeded (retryAt), or RateLimited'),
          headers: {
            'X-Error-Code': { schema: { type: 'string' } },
            'Retry-After': { schema: { type: 'integer' }, description: 'seconds until a slot frees' },
          },
        },
      },
    },
  },
  '/api/v1/benchmarks/{id}/self-reported': {
    post: {
      summary:
        'add a self-reported row (marked as such; never verified, ranked apart) for a model the token may write ' +
        'to; it counts against the submission quota',
      security: auth,
      parameters: [id],
      requestBody: {
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['model', 'source', 'metrics'],
              properties: {
                name: { type: 'string' },
                model: { type: 'string' },
                source: { type: 'string' },
                metrics,
              },
            },
          },
        },
      },
      responses: {
        '201': json('the row', row),
        '401': problem('Unauthorized'),
        '403': problem('Forbidden: the token lacks write:<ns> of the model'),
        '422': problem(
          'InvalidSubmission: errors[] of {path, rule} with JSON pointers (/metrics/NDS, /model)',
        ),
        '429': problem('QuotaExceeded (retryAt)'),
      },
    },
  },
  '/api/v1/submissions/{id}': {
    get: {
      summary: "a submission's state, metrics and errors (its submitter's token or admin only)",
      security: auth,
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': json('the submission', submission), '404': problem('SubmissionNotFound') },
    },
  },
} as const;
