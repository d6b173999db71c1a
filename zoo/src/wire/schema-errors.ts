import type { ErrorObject } from 'ajv';
import type { ErrorItem } from './problem.ts';

/**
 * ajv's errors as error items: the path is the JSON Pointer of the offending value, completed with the property a
 * `required` rule misses (`/license`), and an unexpected property is named in the message.
 */
export function schemaErrorItems(errors: readonly ErrorObject[]): ErrorItem[] {
  // An `if` failure only repeats the error its `then` branch already reported.
  return errors
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const missing =
        e.keyword === 'required' ? `/${(e.params as { missingProperty: string }).missingProperty}` : '';
      const extra =
        e.keyword === 'additionalProperties'
          ? `: unexpected property "${(e.params as { additionalProperty: string }).additionalProperty}"`
          : '';
      return { path: `${e.instancePath}${missing}` || '/', message: `${e.message ?? 'invalid'}${extra}` };
    });
}
