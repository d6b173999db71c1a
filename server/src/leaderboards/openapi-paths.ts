/** The leaderboard routes' part of the OpenAPI document (merged into `paths` by openapi.ts). */
import { BENCHMARK_ID_PATTERN, ROW_STATUSES } from '@mim4d/zoo';
import { auth, json, jsonBody, problem, ref } from '../openapi-helpers.ts';
import { TASK_SCORING } from './task-scoring.ts';

const id = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'benchmark id, `<name>@v<version>`',
  schema: { type: 'string', pattern: BENCHMARK_ID_PATTERN },
};

export const leaderboardPaths = {
  '/api/v1/benchmarks': {
    get: {
      summary: 'list benchmarks',
      responses: {
        '200': json('benchmarks', ref('BenchmarkList')),
      },
    },
  },
  '/api/v1/benchmarks/{id}': {
    get: {
      summary: 'one benchmark: dataset, split, metric set, primary metric and direction',
      parameters: [id],
      responses: { '200': json('the benchmark', ref('Benchmark')), '404': problem('BenchmarkNotFound') },
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
          schema: { enum: ROW_STATUSES },
        },
      ],
      responses: {
        '200': json('leaderboard', ref('Leaderboard')),
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
        '200': json('submissions', ref('SubmissionList')),
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
          content: { 'application/json': { schema: ref('SubmissionAccepted') } },
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
      requestBody: jsonBody(ref('SelfReportedRowRequest')),
      responses: {
        '201': json('the row', ref('LeaderboardRow')),
        '401': problem('Unauthorized'),
        '403': problem('Forbidden: the token lacks write:<ns> of the model'),
        '422': problem(
          'InvalidSubmission: errors[] of {path, message} with JSON pointers (/metrics/NDS, /model)',
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
      responses: { '200': json('the submission', ref('Submission')), '404': problem('SubmissionNotFound') },
    },
  },
} as const;
