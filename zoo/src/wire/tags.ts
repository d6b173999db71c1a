import type { FromSchema } from 'json-schema-to-ts';

const revisionId = { type: 'string', pattern: '^[0-9a-f]{40}$', description: '40 lowercase hex' } as const;

/** POST /api/v1/models/{ns}/{name}/tags/{tag}: point the tag at a revision of the model. */
export const tagRequestSchema = {
  type: 'object',
  required: ['revision'],
  properties: { revision: revisionId },
} as const;

export const tagSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tag', 'revision'],
  properties: { tag: { type: 'string' }, revision: revisionId },
} as const;

export type TagRequest = FromSchema<typeof tagRequestSchema>;
export type Tag = FromSchema<typeof tagSchema>;
