/**
 * Publishing's bodies: declaring uploads, committing a revision, and the manifest a revision is read back as. Their
 * requests are checked by hand on the server (routes/uploads.ts, commits.ts), which names a bad entry by its index
 * and keeps the status codes clients already branch on (400 for a malformed sha256, 413 for an oversized file).
 */
import type { FromSchema } from 'json-schema-to-ts';
import type { ModelCard } from '../card/model-card.ts';
import { cardRef, type WithCardRef } from './card-ref.ts';

const revisionId = { type: 'string', pattern: '^[0-9a-f]{40}$' } as const;

export const fileSpecSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'sha256', 'size'],
  properties: {
    path: { type: 'string', description: 'repository path, / separated' },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    size: { type: 'integer', minimum: 0, description: 'bytes' },
  },
} as const;

const fileList = { type: 'array', minItems: 1, maxItems: 1000, items: fileSpecSchema } as const;

/** POST /api/v1/models/{ns}/{name}/uploads: the files a revision will have. */
export const uploadRequestSchema = {
  type: 'object',
  required: ['files'],
  properties: { files: fileList },
} as const;

/** Per declared file: the server has the blob (exists), or where to upload it. */
export const uploadPlanSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['files'],
  properties: {
    files: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [...fileSpecSchema.required, 'exists'],
        properties: {
          ...fileSpecSchema.properties,
          exists: { type: 'boolean' },
          uploadUrl: { type: 'string', description: 'when it does not exist: PUT (or HEAD + PATCH) it here' },
        },
      },
    },
  },
} as const;

/** POST /api/v1/models/{ns}/{name}/commits: parentRevision null creates the model; tags default to ["main"]. */
export const commitRequestSchema = {
  type: 'object',
  required: ['parentRevision', 'card', 'files'],
  properties: {
    parentRevision: { anyOf: [{ type: 'null' }, revisionId] },
    card: cardRef,
    files: fileList,
    tags: { type: 'array', items: { type: 'string' } },
    message: { type: 'string', maxLength: 10_000 },
    private: { type: 'boolean' },
  },
} as const;

export const commitCreatedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['revision'],
  properties: { revision: revisionId },
} as const;

/** The files of one immutable revision, with the card it was committed with. */
export const manifestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['revision', 'parent', 'createdAt', 'files'],
  properties: {
    revision: revisionId,
    parent: { anyOf: [{ type: 'null' }, revisionId] },
    createdAt: { type: 'string', format: 'date-time' },
    message: { type: 'string' },
    files: { type: 'array', items: fileSpecSchema },
    card: cardRef,
  },
} as const;

export type FileSpec = FromSchema<typeof fileSpecSchema>;
export type UploadRequest = FromSchema<typeof uploadRequestSchema>;
export type UploadPlan = FromSchema<typeof uploadPlanSchema>;
export type CommitCreated = FromSchema<typeof commitCreatedSchema>;
/** The card is checked by its own validator (422 InvalidCard), so any value may be sent. */
export type CommitRequest = FromSchema<typeof commitRequestSchema, WithCardRef>;
/** A revision's manifest as the server sends it (the client reads it through parseManifest, as untrusted data). */
export type RevisionManifest = Omit<FromSchema<typeof manifestSchema, WithCardRef>, 'card'> & {
  card?: ModelCard;
};
