import type { FromSchema } from 'json-schema-to-ts';
import type { ModelCard } from '../card/model-card.ts';
import { cardRef, type WithCardRef } from './card-ref.ts';

const revisionId = { type: 'string', pattern: '^[0-9a-f]{40}$' } as const;

export const modelSummarySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'private', 'head', 'createdAt'],
  properties: {
    id: { type: 'string', description: 'ns/name' },
    private: { type: 'boolean' },
    head: revisionId,
    createdAt: { type: 'string' },
  },
} as const;

export const modelListSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['models', 'nextCursor'],
  properties: {
    models: { type: 'array', items: modelSummarySchema },
    nextCursor: { type: ['string', 'null'], description: 'pass back as cursor for the next page' },
  },
} as const;

/** A model, its card at main (or the head when there is no main) and its tags. */
export const modelInfoSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...modelSummarySchema.required, 'refs'],
  properties: {
    ...modelSummarySchema.properties,
    revision: { ...revisionId, description: 'the revision whose card is shown' },
    card: cardRef,
    refs: { type: 'object', additionalProperties: revisionId, description: 'tag -> revision id' },
  },
} as const;

export type ModelSummary = FromSchema<typeof modelSummarySchema>;
export type ModelList = FromSchema<typeof modelListSchema>;
/** The card is the model-card schema's, typed as {@link ModelCard}. */
export type ModelInfo = Omit<FromSchema<typeof modelInfoSchema, WithCardRef>, 'card'> & { card?: ModelCard };
