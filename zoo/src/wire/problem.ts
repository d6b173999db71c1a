import type { FromSchema } from 'json-schema-to-ts';
import { ERROR_CODES } from './error-codes.ts';

/** One thing wrong with a request or a submission: where, and what, in words. */
export const errorItemSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'message'],
  properties: {
    path: {
      type: 'string',
      description:
        'a JSON Pointer into the request body (/metrics/NDS), a query parameter, a JSON path inside a submitted ' +
        'file (results["tok"][3].size), an archive member, or $ for the whole body',
    },
    message: { type: 'string', description: 'what is wrong there' },
    rule: {
      type: 'string',
      description:
        "a submission's errors only: the same words as message, under the name clients read before it",
    },
  },
} as const;

export type ErrorItem = FromSchema<typeof errorItemSchema>;

/** The body of every error answer (application/problem+json, RFC 9457), its `code` also in X-Error-Code. */
export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', description: 'urn:mim4d-zoo:error:<code>' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { enum: ERROR_CODES },
    requestId: { type: 'string' },
    errors: { type: 'array', items: errorItemSchema },
    retryAt: { type: 'string', description: 'QuotaExceeded: when a slot frees (ISO 8601)' },
  },
} as const;

export type Problem = FromSchema<typeof problemSchema>;

/** `path: message`, the way a person reads an error item. */
export function errorLine(item: { path: string; message: string }): string {
  return `${item.path}: ${item.message}`;
}
