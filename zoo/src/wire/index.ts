/**
 * The zoo's wire contract: every JSON body the API sends or takes, as JSON Schemas with their TypeScript types
 * derived from them. The server validates request bodies and builds its OpenAPI document from these, and the client
 * types its calls by them.
 */
import { modelCardSchema } from '../card/schema.ts';
import {
  benchmarkListSchema,
  benchmarkSchema,
  leaderboardRowSchema,
  leaderboardSchema,
  selfReportedRowRequestSchema,
} from './benchmarks.ts';
import { modelInfoSchema, modelListSchema, modelSummarySchema } from './models.ts';
import { errorItemSchema, problemSchema } from './problem.ts';
import {
  commitCreatedSchema,
  commitRequestSchema,
  fileSpecSchema,
  manifestSchema,
  uploadPlanSchema,
  uploadRequestSchema,
} from './publishing.ts';
import { submissionAcceptedSchema, submissionListSchema, submissionSchema } from './submissions.ts';
import { tagRequestSchema, tagSchema } from './tags.ts';
import { tokenListSchema, tokenSchema } from './tokens.ts';

export * from './benchmarks.ts';
export * from './error-codes.ts';
export * from './models.ts';
export * from './problem.ts';
export * from './publishing.ts';
export * from './schema-errors.ts';
export * from './submissions.ts';
export * from './tags.ts';
export * from './tokens.ts';

/** Every schema of the contract by the name the OpenAPI document gives it under components.schemas. */
export const WIRE_SCHEMAS = {
  Problem: problemSchema,
  ErrorItem: errorItemSchema,
  Benchmark: benchmarkSchema,
  BenchmarkList: benchmarkListSchema,
  LeaderboardRow: leaderboardRowSchema,
  Leaderboard: leaderboardSchema,
  SelfReportedRowRequest: selfReportedRowRequestSchema,
  Submission: submissionSchema,
  SubmissionList: submissionListSchema,
  SubmissionAccepted: submissionAcceptedSchema,
  TagRequest: tagRequestSchema,
  Tag: tagSchema,
  Token: tokenSchema,
  TokenList: tokenListSchema,
  ModelSummary: modelSummarySchema,
  ModelList: modelListSchema,
  ModelInfo: modelInfoSchema,
  FileSpec: fileSpecSchema,
  UploadRequest: uploadRequestSchema,
  UploadPlan: uploadPlanSchema,
  CommitRequest: commitRequestSchema,
  CommitCreated: commitCreatedSchema,
  Manifest: manifestSchema,
  ModelCard: modelCardSchema,
} as const;
