import type { FromSchema } from 'json-schema-to-ts';
import { errorItemSchema } from './problem.ts';

/** queued -> scoring -> verified (a leaderboard row was added) or failed (with `errors`). */
export const SUBMISSION_STATUSES = ['queued', 'scoring', 'verified', 'failed'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const submissionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'benchmark', 'name', 'submittedBy', 'status', 'createdAt', 'updatedAt', 'errors'],
  properties: {
    id: { type: 'string' },
    benchmark: { type: 'string' },
    name: { type: 'string' },
    model: { type: 'string', description: '`ns/name` of the model the row attaches to' },
    submittedBy: { type: 'string', description: 'token id' },
    status: {
      enum: SUBMISSION_STATUSES,
      description: 'queued -> scoring -> verified (row added) or failed (errors say why)',
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
    errors: {
      type: 'array',
      items: errorItemSchema,
      description: 'why it failed: path is a JSON path in the file, an archive member or $ (the whole body)',
    },
    rowId: { type: 'string', description: 'the verified leaderboard row, once scored' },
  },
} as const;

export const submissionListSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['submissions'],
  properties: { submissions: { type: 'array', items: submissionSchema } },
} as const;

/** The 202 answer to a submission: poll `Location` (/api/v1/submissions/{submissionId}) for the outcome. */
export const submissionAcceptedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['submissionId', 'status'],
  properties: { submissionId: { type: 'string' }, status: { enum: SUBMISSION_STATUSES } },
} as const;

export type Submission = FromSchema<typeof submissionSchema>;
export type SubmissionList = FromSchema<typeof submissionListSchema>;
export type SubmissionAccepted = FromSchema<typeof submissionAcceptedSchema>;
