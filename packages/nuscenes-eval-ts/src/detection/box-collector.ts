/**
 * Validating detection boxes by every rule of the devkit's loader, each failure naming the JSON path and the
 * rule, and storing them in columns. Used by the file loaders (on worker threads too) and for objects in memory.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { BoxBytesReader } from './box-bytes.ts';
import { attributeCode, classCode } from './config.ts';
import { type EvalBoxes, EvalBoxesBuilder } from './data-classes.ts';
import { DetectionInputError } from './errors.ts';
import { quaternionYaw } from './quaternion.ts';
import { isBoxList, parseSampleList } from './sample-list.ts';

const schemaDir = new URL('../../schemas/', import.meta.url);

function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8')) as Record<string, unknown>;
}

let compiledBox: ValidateFunction | undefined;

/**
 * The compiled validator of schemas/detection-box.json, built on first use: boxes in the usual form are read
 * without it (box-bytes.ts), and loading and compiling it took longer than reading 40 MB of boxes.
 */
function boxValidator(): ValidateFunction {
  if (!compiledBox) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
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

/**
 * Bytes of the shortest box the rules accept: every required field, with the shortest values. A file of N
 * bytes thus holds at most N / SHORTEST_BOX_BYTES valid boxes, which sizes column storage before reading.
 */
export const SHORTEST_BOX_BYTES = JSON.stringify({
  sample_token: '',
  translation: [0, 0, 0],
  size: [0, 0, 0],
  rotation: [0, 0, 0, 0],
  velocity: [0, 0],
  detection_name: 'car',
  attribute_name: '',
}).length;

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
  private readonly bytesReader = new BoxBytesReader();

  /** `builder` receives the boxes; by default columns of their own, grown as needed. */
  constructor(
    private readonly options: BoxSourceOptions,
    private readonly builder = new EvalBoxesBuilder(1 << 16),
  ) {}

  /** `file: results["token"]`: where a sample's list is, for messages. */
  samplePath(token: string): string {
    return `${this.options.source}: ${this.options.pathPrefix}[${JSON.stringify(token)}]`;
  }

  private boxWhere(token: string, index: number, tail: string): string {
    return `${this.samplePath(token)}[${index}]${tail}`;
  }

  addSample(token: string, boxes: unknown): void {
    if (!Array.isArray(boxes))
      throw new DetectionInputError(this.samplePath(token), 'must be a list of boxes');
    const max = this.options.maxBoxesPerSample;
    if (max !== undefined && boxes.length > max) {
      throw new DetectionInputError(this.samplePath(token), `more than ${max} boxes (max_boxes_per_sample)`);
    }
    for (let i = 0; i < boxes.length; i++) this.addBox(token, i, boxes[i]);
    this.builder.endSample(token);
  }

  /**
   * A sample's list as the scanner cut it out (see parseSampleList): boxes in the usual form are read from
   * the bytes (box-bytes.ts); at the first that is not, the whole sample goes through JSON.parse and the
   * schema instead, so whatever they accept is accepted and every problem is reported as they report it.
   */
  addSampleBytes(
    token: string,
    bytes: Uint8Array,
    boxStarts: ArrayLike<number>,
    boxEnds: ArrayLike<number>,
  ): void {
    if (this.readSampleBytes(token, bytes, boxStarts, boxEnds)) {
      this.builder.endSample(token);
      return;
    }
    this.builder.discardOpenSample();
    this.addSample(token, parseSampleList(bytes, boxStarts, boxEnds, this.samplePath(token)));
  }

  private readSampleBytes(
    token: string,
    bytes: Uint8Array,
    boxStarts: ArrayLike<number>,
    boxEnds: ArrayLike<number>,
  ): boolean {
    const n = boxStarts.length;
    const max = this.options.maxBoxesPerSample;
    if ((max !== undefined && n > max) || !isBoxList(bytes, boxStarts, boxEnds)) return false;
    for (let k = 0; k < n; k++) {
      if (this.bytesReader.read(bytes, boxStarts[k], boxEnds[k], token, k) !== boxEnds[k]) return false;
      this.builder.push(this.bytesReader.box);
    }
    return true;
  }

  private addBox(token: string, index: number, box: unknown): void {
    const validate = boxValidator();
    if (!validate(box)) {
      const { path, rule } = describe(validate.errors![0], box);
      throw new DetectionInputError(this.boxWhere(token, index, path), rule);
    }
    const b = box as BoxJson;
    if (b.sample_token !== token) {
      throw new DetectionInputError(
        this.boxWhere(token, index, '.sample_token'),
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

  build(): EvalBoxes {
    return this.builder.build();
  }
}
