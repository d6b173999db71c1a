import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { modelCardSchema } from '../src/card/schema.ts';
import { WIRE_SCHEMAS } from '../src/wire/index.ts';

const addFormats = addFormatsModule.default;
// strictRequired is off as for the card's own validator (its ONNX rule names a property defined beside it).
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
addFormats(ajv);
// ModelInfo refers to the card by its $id.
ajv.addSchema(modelCardSchema);
const checks = new Map<string, ReturnType<typeof ajv.compile>>();

/** Fails unless `value` is what the wire contract's schema `name` allows: an answer the contract describes. */
export function assertWireShape(name: Exclude<keyof typeof WIRE_SCHEMAS, 'ModelCard'>, value: unknown): void {
  let check = checks.get(name);
  if (!check) {
    check = ajv.compile(WIRE_SCHEMAS[name]);
    checks.set(name, check);
  }
  assert.ok(
    check(value),
    `${name}: ${ajv.errorsText(check.errors)} in ${JSON.stringify(value).slice(0, 400)}`,
  );
}
