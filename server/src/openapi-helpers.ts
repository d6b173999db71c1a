/** The pieces both parts of the OpenAPI document (openapi.ts, leaderboards/openapi-paths.ts) build paths from. */
import type { WIRE_SCHEMAS } from '@mim4d/zoo';

/** A schema of the wire contract, by its name under components.schemas. */
export const ref = (name: keyof typeof WIRE_SCHEMAS) => ({ $ref: `#/components/schemas/${name}` });

export const problem = (description: string) => ({
  description,
  headers: { 'X-Error-Code': { schema: { type: 'string' } }, 'X-Request-Id': { schema: { type: 'string' } } },
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

export const json = (description: string, schema: object) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = (schema: object) => ({ content: { 'application/json': { schema } } });

export const pathParam = (name: string, description: string, pattern?: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', ...(pattern ? { pattern } : {}) },
});

export const auth = [{ bearer: [] }];
