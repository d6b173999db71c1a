import { type ErrorCode, schemaErrorItems } from '@mim4d/zoo';
import { Ajv } from 'ajv';
import { ProblemError } from '../errors.ts';

/** How a body that breaks its schema is answered: status, code, and the detail's words for the whole body. */
export interface BodyRefusal {
  status: 400 | 422;
  code: ErrorCode;
  detail: string;
}

// The request schemas of the wire contract use no `format`, so no format plugin is needed.
const ajv = new Ajv({ allErrors: true, strict: true });

/**
 * A check of request bodies against one of the wire contract's schemas: the body typed as `T`, or a problem document
 * whose `errors[]` name each offending field by JSON Pointer (and whose detail names the first).
 */
export function bodyChecker<T>(schema: object, refusal: BodyRefusal): (body: unknown) => T {
  const check = ajv.compile(schema);
  return (body) => {
    if (check(body)) return body as T;
    const errors = schemaErrorItems(check.errors ?? []);
    const first = errors[0];
    throw new ProblemError(
      refusal.status,
      refusal.code,
      `${refusal.detail}: ${first.path} ${first.message}`,
      {
        errors,
      },
    );
  };
}
