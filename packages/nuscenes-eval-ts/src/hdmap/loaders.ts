/**
 * Reads MapTR results and GT files (eval-protocols.md B2, B3): streamed sample by sample, each sample
 * checked against the published JSON Schemas (schemas/hdmap-*.json), and results paired with GT by
 * sample_token, never by position.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { lidarPolyline, type MapSample, type MapVectorGT, type MapVectorPrediction } from './data-classes.ts';
import { MapInputError } from './errors.ts';
import { streamArrayField } from './json-array-elements.ts';

const schemaDir = new URL('../../schemas/', import.meta.url);

let ajv: Ajv | undefined;

/** The validator of one sample of a results or GT file, compiled on first use. */
function sampleValidator(kind: 'results' | 'gt'): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv({ allErrors: false, strict: true });
    for (const name of ['hdmap-results.json', 'hdmap-gt.json']) {
      ajv.addSchema(JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8')) as object);
    }
  }
  const validate = ajv.getSchema(`urn:nuscenes-eval-ts:hdmap-${kind}#/definitions/sample`);
  if (!validate) throw new Error(`schema hdmap-${kind}.json has no sample definition`);
  return validate;
}

/** `must have required property 'pts' (required)`, with the path of the offending value. */
function schemaError(file: string, basePath: string, error: ErrorObject): MapInputError {
  const path = `${basePath}${error.instancePath}`;
  const what =
    error.keyword === 'required'
      ? `must have property "${error.params.missingProperty}"`
      : (error.message ?? '');
  return new MapInputError(`${file}: ${path}`, `${what} (schema rule "${error.keyword}")`);
}

interface SampleJson {
  sample_token: string;
  vectors: { pts: [number, number][]; type: number; confidence_level?: number }[];
}

function polyline(pts: [number, number][]) {
  const xy = new Float64Array(pts.length * 2);
  for (let i = 0; i < pts.length; i++) {
    xy[2 * i] = pts[i][0];
    xy[2 * i + 1] = pts[i][1];
  }
  return lidarPolyline(xy);
}

/** GT vectors by sample token, in the file's order. */
export type MapGroundTruth = Map<string, MapVectorGT[]>;

/** Reads a MapTR GT file `{GTs: [{sample_token, vectors: [{pts, type}]}]}`. */
export async function loadMapGroundTruth(file: string): Promise<MapGroundTruth> {
  const validate = sampleValidator('gt');
  const gt: MapGroundTruth = new Map();
  const found = await streamArrayField(file, 'GTs', {
    element(value, index) {
      if (!validate(value)) throw schemaError(file, `/GTs/${index}`, (validate.errors ?? [])[0]);
      const sample = value as SampleJson;
      if (gt.has(sample.sample_token)) {
        throw new MapInputError(
          `${file}: /GTs/${index}/sample_token`,
          `"${sample.sample_token}" appears twice`,
        );
      }
      gt.set(
        sample.sample_token,
        sample.vectors.map((v) => ({ classId: v.type, pts: polyline(v.pts) })),
      );
    },
  });
  if (!found) throw new MapInputError(file, 'must have property "GTs" (schema rule "required")');
  return gt;
}

export interface PairingOptions {
  /** Called after each sample is handed over, with the number done and the GT sample count. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Streams a MapTR results file `{meta, results: [{sample_token, vectors: [{pts, type, confidence_level}]}]}`,
 * handing each sample to `onSample` with its GT. Fails naming the token when a result sample is not in
 * the GT or appears twice, and, at the end, when GT samples had no results.
 */
export async function streamMapResults(
  file: string,
  gt: MapGroundTruth,
  onSample: (sample: MapSample) => void,
  options: PairingOptions = {},
): Promise<void> {
  const validate = sampleValidator('results');
  const seen = new Set<string>();
  const found = await streamArrayField(file, 'results', {
    element(value, index) {
      if (!validate(value)) throw schemaError(file, `/results/${index}`, (validate.errors ?? [])[0]);
      const sample = value as SampleJson;
      const token = sample.sample_token;
      const groundTruth = gt.get(token);
      if (!groundTruth) {
        throw new MapInputError(
          `${file}: /results/${index}/sample_token`,
          `"${token}" is not a sample of the GT; results pair with GT by sample_token`,
        );
      }
      if (seen.has(token)) {
        throw new MapInputError(`${file}: /results/${index}/sample_token`, `"${token}" appears twice`);
      }
      seen.add(token);
      const predictions: MapVectorPrediction[] = sample.vectors.map((v) => ({
        classId: v.type,
        pts: polyline(v.pts),
        score: v.confidence_level as number,
      }));
      onSample({ sampleToken: token, predictions, groundTruth });
      options.onProgress?.(seen.size, gt.size);
    },
    otherField(key, value) {
      if (key === 'meta') {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new MapInputError(`${file}: /meta`, 'must be object (schema rule "type")');
        }
      }
    },
  });
  if (!found) throw new MapInputError(file, 'must have property "results" (schema rule "required")');
  if (seen.size !== gt.size) {
    const missing = [...gt.keys()].filter((t) => !seen.has(t));
    const shown = missing
      .slice(0, 5)
      .map((t) => `"${t}"`)
      .join(', ');
    throw new MapInputError(
      file,
      `has no results for ${missing.length} of the ${gt.size} GT samples (${shown}${missing.length > 5 ? ', ...' : ''}); every GT sample needs an entry, even with no vectors`,
    );
  }
}
