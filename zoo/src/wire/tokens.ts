import type { FromSchema } from 'json-schema-to-ts';

/** A token as the API shows it: never its secret. */
export const tokenSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'scopes', 'createdAt'],
  properties: {
    id: { type: 'string', description: 'tok_...' },
    name: { type: 'string' },
    scopes: {
      type: 'array',
      items: { type: 'string' },
      description: 'read, read:<ns>, write:<ns>, admin',
    },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: 'string', format: 'date-time', description: 'set once revoked' },
    expiresAt: { type: 'string', format: 'date-time', description: 'absent: it never expires' },
  },
} as const;

export const tokenListSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tokens'],
  properties: { tokens: { type: 'array', items: tokenSchema } },
} as const;

export type Token = FromSchema<typeof tokenSchema>;
export type TokenList = FromSchema<typeof tokenListSchema>;
