import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ErrorItem } from '../wire/problem.ts';
import { schemaErrorItems } from '../wire/schema-errors.ts';
import type { ModelCard } from './model-card.ts';
import { modelCardSchema } from './schema.ts';

/** One schema violation: a JSON Pointer into the card (`/artifacts/0/io/inputs/1/dtype`) and what is wrong. */
export type CardError = ErrorItem;

export type CardValidation = { ok: true; card: ModelCard } | { ok: false; errors: CardError[] };

// ajv-formats is CommonJS: NodeNext types the default import as the module object, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

// strictRequired is off because the ONNX rule (`then: { required: ['io'] }`) names a property defined beside it.
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
addFormats(ajv);
const check = ajv.compile(modelCardSchema);

function duplicatePaths(card: ModelCard): CardError[] {
  const seen = new Set<string>();
  const errors: CardError[] = [];
  card.artifacts.forEach((artifact, i) => {
    if (seen.has(artifact.path)) {
      errors.push({ path: `/artifacts/${i}/path`, message: `duplicate artifact path "${artifact.path}"` });
    }
    seen.add(artifact.path);
  });
  return errors;
}

/** A detection decoder needs the class order, and a range for each class it may emit. */
function detectionLabelProblems(card: ModelCard): CardError[] {
  const detection = card.postprocessing?.detection;
  if (!detection) return [];
  if (!card.labels) {
    return [
      { path: '/labels', message: 'required by postprocessing.detection: the class order of the outputs' },
    ];
  }
  const labels = new Set(card.labels);
  const errors: CardError[] = card.labels
    .filter((label) => !(label in detection.classRangeM))
    .map((label) => ({
      path: '/postprocessing/detection/classRangeM',
      message: `no range for label "${label}"`,
    }));
  for (const name of Object.keys(detection.classRangeM)) {
    if (!labels.has(name)) {
      errors.push({
        path: `/postprocessing/detection/classRangeM/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        message: `"${name}" is not one of the card's labels`,
      });
    }
  }
  return errors;
}

/** Checks a parsed JSON value against the model-card schema, reporting every violation, not only the first. */
export function validateCard(value: unknown): CardValidation {
  if (!check(value)) return { ok: false, errors: schemaErrorItems(check.errors ?? []) };
  const card = value as unknown as ModelCard;
  const errors = [...duplicatePaths(card), ...detectionLabelProblems(card)];
  return errors.length > 0 ? { ok: false, errors } : { ok: true, card };
}
