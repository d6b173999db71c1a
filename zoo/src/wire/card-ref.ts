import { modelCardSchema } from '../card/schema.ts';

/** A model card inside another body: a $ref to the card schema's $id (the OpenAPI document holds it under that id). */
export const cardRef = { $ref: modelCardSchema.$id } as const;

/** FromSchema's option that resolves {@link cardRef} (to unknown: types holding a card name ModelCard themselves). */
export type WithCardRef = { references: [{ readonly $id: (typeof modelCardSchema)['$id'] }] };
