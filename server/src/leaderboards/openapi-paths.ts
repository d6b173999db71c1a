/** The leaderboard routes' part of the OpenAPI document (merged into `paths` by openapi.ts). */

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
    scoring: { type: 'boolean', description: 'whether this server can score the task' },
    groundTruthInstalled: { type: 'boolean' },
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
    status: { enum: ['queued', 'running', 'failed', 'scored'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    metrics,
    errors: { type: 'array', items: error },
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
      summary: 'rows ranked by the primary metric; rows of private models only for callers who may read them',
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
    post: {
      summary:
        'submit a result file ({meta, results}) for scoring here against the server-held GT; any valid token may submit, ' +
        'attaching the row to a model needs write:<ns>',
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
        description:
          'the nuScenes detection result file; application/json up to the JSON limit, any other content type is streamed',
        content: { 'application/json': { schema: { type: 'object' } }, 'application/octet-stream': {} },
      },
      responses: {
        '202': {
          description: 'validated and queued; Location points at the submission',
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
        '404': problem('BenchmarkNotFound, ModelNotFound'),
        '409': problem('ScoringUnavailable: no GT installed for the benchmark'),
        '413': problem('PayloadTooLarge'),
        '422': problem(
          'InvalidSubmission: errors[] of {path, rule}, path a JSON path in the file; submissionId',
        ),
      },
    },
  },
  '/api/v1/benchmarks/{id}/self-reported': {
    post: {
      summary: 'add a self-reported row (marked as such; never verified)',
      security: auth,
      parameters: [id],
      requestBody: {
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['source', 'metrics'],
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
        '422': problem('InvalidSubmission: errors[] of {path, rule} with JSON pointers (/metrics/NDS)'),
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
