/**
 * Loading and validating detection boxes: submissions (`{meta, results}`) and ground truth in evaluation form
 * (sample_token -> boxes), from files (streamed) or from objects already in memory. Every rule of the devkit's
 * loader is enforced, each failure naming the JSON path and the rule.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { attributeCode, classCode, DETECTION_CVPR_2019 } from './config.ts';
import { type EvalBoxes, EvalBoxesBuilder } from './data-classes.ts';
import { DetectionInputError } from './errors.ts';
import { quaternionYaw } from './quaternion.ts';
import { type SampleHandler, scanSamples } from './sample-scanner.ts';

const schemaDir = new URL('../../schemas/', import.meta.url);

function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8')) as Record<string, unknown>;
}

let compiledBox: ValidateFunction | undefined;

/** The compiled validator of schemas/detection-box.json, built on first use. */
function boxValidator(): ValidateFunction {
  if (!compiledBox) {
    const ajv = new Ajv({ allErrors: false, strict: true });
    compiledBox = ajv.compile(readSchema('detection-box.json'));
  }
  return compiledBox;
}

/** `/translation/1` -> `.translation[1]`. */
function jsonPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');
}

function describe(error: ErrorObject, box: unknown): { path: string; rule: string } {
  const path = jsonPath(error.instancePath);
  switch (error.keyword) {
    case 'required':
      return { path: `${path}.${error.params.missingProperty}`, rule: 'is required' };
    case 'enum': {
      const allowed = (error.params.allowedValues as string[]).map((v) => JSON.stringify(v)).join(', ');
      return {
        path,
        rule: `${JSON.stringify(valueAt(box, error.instancePath))} is not allowed; must be one of ${allowed}`,
      };
    }
    case 'type': {
      const value = valueAt(box, error.instancePath);
      const got = value === null ? 'NaN (null)' : JSON.stringify(value);
      return { path, rule: `must be ${error.params.type}, got ${got}` };
    }
    case 'minItems':
    case 'maxItems': {
      const value = valueAt(box, error.instancePath) as unknown[];
      const n = error.params.limit as number;
      return { path, rule: `must have exactly ${n} elements, got ${value.length}` };
    }
    default:
      return { path, rule: error.message ?? error.keyword };
  }
}

function valueAt(root: unknown, instancePath: string): unknown {
  let v = root;
  for (const part of instancePath.split('/').slice(1)) v = (v as Record<string, unknown>)[part];
  return v;
}

interface BoxJson {
  sample_token: string;
  translation: number[];
  size: number[];
  rotation: [number, number, number, number];
  velocity: (number | null)[];
  num_pts?: number;
  detection_name: string;
  detection_score?: number;
  attribute_name: string;
}

export interface BoxSourceOptions {
  /** Name for messages, usually the file path. */
  source: string;
  /** Prefix of JSON paths: `results` for submissions, empty for EvalBoxes files. */
  pathPrefix: string;
  /** Upper bound on boxes per sample (submissions: 500); none for ground truth. */
  maxBoxesPerSample?: number;
}

/** Validates sample lists one at a time and stores their boxes. */
export class BoxCollector {
  private readonly builder = new EvalBoxesBuilder(1 << 16);
  private readonly validate = boxValidator();

  constructor(private readonly options: BoxSourceOptions) {}

  private where(token: string, index?: number, tail = ''): string {
    const box = index === undefined ? '' : `[${index}]`;
    return `${this.options.source}: ${this.options.pathPrefix}[${JSON.stringify(token)}]${box}${tail}`;
  }

  addSample(token: string, boxes: unknown): void {
    if (!Array.isArray(boxes)) throw new DetectionInputError(this.where(token), 'must be a list of boxes');
    const max = this.options.maxBoxesPerSample;
    if (max !== undefined && boxes.length > max) {
      throw new DetectionInputError(this.where(token), `more than ${max} boxes (max_boxes_per_sample)`);
    }
    for (let i = 0; i < boxes.length; i++) this.addBox(token, i, boxes[i]);
    this.builder.endSample(token);
  }

  private addBox(token: string, index: number, box: unknown): void {
    if (!this.validate(box)) {
      const { path, rule } = describe(this.validate.errors![0], box);
      throw new DetectionInputError(this.where(token, index, path), rule);
    }
    const b = box as BoxJson;
    if (b.sample_token !== token) {
      throw new DetectionInputError(
        this.where(token, index, '.sample_token'),
        `is ${JSON.stringify(b.sample_token)} but the box is listed under ${JSON.stringify(token)}; they must be equal`,
      );
    }
    const t = b.translation;
    const s = b.size;
    const v = b.velocity;
    this.builder.push({
      centerX: t[0],
      centerY: t[1],
      centerZ: t[2],
      width: s[0],
      length: s[1],
      height: s[2],
      yaw: quaternionYaw(b.rotation),
      velocityX: v[0] ?? Number.NaN,
      velocityY: v[1] ?? Number.NaN,
      score: b.detection_score ?? -1.0,
      classCode: classCode.get(b.detection_name)!,
      attributeCode: attributeCode.get(b.attribute_name)!,
      numPts: b.num_pts === undefined ? -1 : Math.trunc(b.num_pts),
      sourceIndex: index,
    });
  }

  get boxCount(): number {
    return this.builder.boxCount;
  }

  build(): EvalBoxes {
    return this.builder.build();
  }
}

export interface LoadFileOptions {
  /** Called with the bytes read so far, for progress display. */
  onBytes?: (bytesRead: number) => void;
  /** Boxes per sample allowed in a submission; the devkit's config says 500. */
  maxBoxesPerSample?: number;
}

export interface LoadedSubmission {
  boxes: EvalBoxes;
  /** The submission's `meta`, passed through unchecked as the devkit does. */
  meta: unknown;
}

async function scanFile(
  path: string,
  samplesAt: 'root' | 'results',
  collector: BoxCollector,
  options: LoadFileOptions,
  maxBoxes?: number,
): Promise<Map<string, unknown>> {
  const topLevel = new Map<string, unknown>();
  const handler: SampleHandler = {
    topLevel: (key, value) => topLevel.set(key, value),
    sample: (token, boxes) => collector.addSample(token, boxes),
  };
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      yield chunk;
      options.onBytes?.(bytes);
    }
  }
  try {
    await scanSamples(counted(), { samplesAt, source: path, maxBoxesPerSample: maxBoxes }, handler);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DetectionInputError(path, 'file not found');
    }
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new DetectionInputError(path, 'is a directory, not a JSON file');
    }
    throw err;
  } finally {
    stream.destroy();
  }
  return topLevel;
}

/** Streams a submission file: `{meta, results: {sample_token: [box, ...]}}`, at most 500 boxes per sample. */
export async function loadPredictionFile(
  path: string,
  options: LoadFileOptions = {},
): Promise<LoadedSubmission> {
  const max = options.maxBoxesPerSample ?? DETECTION_CVPR_2019.max_boxes_per_sample;
  const collector = new BoxCollector({ source: path, pathPrefix: 'results', maxBoxesPerSample: max });
  const topLevel = await scanFile(path, 'results', collector, options, max);
  return { boxes: collector.build(), meta: topLevel.get('meta') };
}

/** Streams ground truth in evaluation form: `{sample_token: [box, ...]}` (the devkit's EvalBoxes JSON). */
export async function loadEvalBoxesFile(path: string, options: LoadFileOptions = {}): Promise<EvalBoxes> {
  const collector = new BoxCollector({ source: path, pathPrefix: '' });
  await scanFile(path, 'root', collector, options);
  return collector.build();
}

function asRecord(value: unknown, where: string, rule: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DetectionInputError(where, rule);
  return value as Record<string, unknown>;
}

/** A submission already parsed into memory, validated by the same rules as the file loader. */
export function submissionFromObject(
  data: unknown,
  source = 'results',
  maxBoxesPerSample = DETECTION_CVPR_2019.max_boxes_per_sample,
): LoadedSubmission {
  const root = asRecord(data, source, 'the submission must be a JSON object');
  if (!('results' in root)) throw new DetectionInputError(source, 'missing field `results`');
  if (!('meta' in root)) throw new DetectionInputError(source, 'missing field `meta`');
  const results = asRecord(
    root.results,
    `${source}: results`,
    'must be an object mapping sample tokens to box lists',
  );
  const collector = new BoxCollector({ source, pathPrefix: 'results', maxBoxesPerSample });
  for (const [token, boxes] of Object.entries(results)) collector.addSample(token, boxes);
  return { boxes: collector.build(), meta: root.meta };
}

/** Boxes in the devkit's EvalBoxes serialisation (sample_token -> boxes), already in memory. */
export function evalBoxesFromObject(data: unknown, source = 'gt'): EvalBoxes {
  const root = asRecord(data, source, 'must be an object mapping sample tokens to box lists');
  const collector = new BoxCollector({ source, pathPrefix: '' });
  for (const [token, boxes] of Object.entries(root)) collector.addSample(token, boxes);
  return collector.build();
}
