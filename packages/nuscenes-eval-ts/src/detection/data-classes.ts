/**
 * Compact storage for detection boxes and the per-(class, threshold) curves the metric is built from.
 * A validation split holds millions of boxes, so boxes live in typed columns rather than one object each.
 */
import type { DetectionName, TpMetric } from './config.ts';

/** One box as the devkit serialises it (submission `results` entries and EvalBoxes JSON). */
export interface DetectionBoxJson {
  sample_token: string;
  /** Centre, global frame, metres. */
  translation: [number, number, number];
  /** Width, length, height in metres. */
  size: [number, number, number];
  /** Orientation quaternion (w, x, y, z), global frame. */
  rotation: [number, number, number, number];
  /** Global-frame vx, vy in m/s; null stands for NaN (unknown). */
  velocity: [number | null, number | null];
  ego_translation?: [number, number, number];
  num_pts?: number;
  detection_name: DetectionName;
  detection_score?: number;
  attribute_name: string;
}

const COLUMNS = [
  'centerX',
  'centerY',
  'centerZ',
  'width',
  'length',
  'height',
  'yaw',
  'velocityX',
  'velocityY',
  'score',
] as const;
type FloatColumn = (typeof COLUMNS)[number];

/**
 * Columnar boxes. Centres are in the global frame (metres), sizes in metres, yaw in radians about the global
 * z axis (the devkit's `quaternion_yaw`), velocities in m/s (NaN when unknown).
 */
export type BoxColumns = { readonly [K in FloatColumn]: Float64Array } & {
  readonly count: number;
  /** Index into DETECTION_NAMES. */
  readonly classCode: Uint8Array;
  /** 0 for no attribute, otherwise 1 + index into ATTRIBUTE_NAMES. */
  readonly attributeCode: Uint8Array;
  /** Lidar + radar points in the box; -1 when not given (predictions). */
  readonly numPts: Int32Array;
  /** Position of the box in its sample's list in the source file, for error messages. */
  readonly sourceIndex: Uint32Array;
};

/** Boxes grouped by sample; samples keep the order they had in the source, boxes their list order. */
export interface EvalBoxes {
  readonly sampleTokens: readonly string[];
  /** Boxes of sample s are [sampleOffsets[s], sampleOffsets[s + 1]). */
  readonly sampleOffsets: Uint32Array;
  readonly boxes: BoxColumns;
}

/** One box ready for storage: what the loader derives from a validated DetectionBoxJson. */
export interface StoredBox {
  centerX: number;
  centerY: number;
  centerZ: number;
  width: number;
  length: number;
  height: number;
  yaw: number;
  velocityX: number;
  velocityY: number;
  score: number;
  classCode: number;
  attributeCode: number;
  numPts: number;
  sourceIndex: number;
}

/** Typed columns for a fixed number of boxes: one block of a builder's storage, or the built result. */
class ColumnBlock {
  readonly floats: Record<FloatColumn, Float64Array>;
  readonly classes: Uint8Array;
  readonly attributes: Uint8Array;
  readonly points: Int32Array;
  readonly sources: Uint32Array;

  constructor(readonly capacity: number) {
    this.floats = Object.fromEntries(COLUMNS.map((c) => [c, new Float64Array(capacity)])) as Record<
      FloatColumn,
      Float64Array
    >;
    this.classes = new Uint8Array(capacity);
    this.attributes = new Uint8Array(capacity);
    this.points = new Int32Array(capacity);
    this.sources = new Uint32Array(capacity);
  }
}

/**
 * Appends boxes sample by sample into fixed-size blocks of typed columns, joined once by `build`. Growing
 * one set of columns instead copied every box several times over and held old and new columns together;
 * on a validation split those copies (and the page faults of the fresh arrays) cost seconds.
 */
export class EvalBoxesBuilder {
  private readonly blockSize: number;
  private readonly full: ColumnBlock[] = [];
  private block: ColumnBlock;
  /** Boxes in `block`. */
  private used = 0;
  private readonly tokens: string[] = [];
  private offsets: number[] = [0];
  private spent = false;

  /** `blockSize`: boxes per block; a builder that knows its total passes it to get one block and no copy. */
  constructor(blockSize = 1024) {
    this.blockSize = Math.max(1, blockSize);
    this.block = new ColumnBlock(this.blockSize);
  }

  get boxCount(): number {
    return this.full.length * this.blockSize + this.used;
  }

  get sampleCount(): number {
    return this.tokens.length;
  }

  push(box: StoredBox): void {
    if (this.spent) throw new Error('EvalBoxesBuilder.push() after build()');
    if (this.used === this.blockSize) {
      this.full.push(this.block);
      this.block = new ColumnBlock(this.blockSize);
      this.used = 0;
    }
    const i = this.used++;
    const b = this.block;
    const f = b.floats;
    f.centerX[i] = box.centerX;
    f.centerY[i] = box.centerY;
    f.centerZ[i] = box.centerZ;
    f.width[i] = box.width;
    f.length[i] = box.length;
    f.height[i] = box.height;
    f.yaw[i] = box.yaw;
    f.velocityX[i] = box.velocityX;
    f.velocityY[i] = box.velocityY;
    f.score[i] = box.score;
    b.classes[i] = box.classCode;
    b.attributes[i] = box.attributeCode;
    b.points[i] = box.numPts;
    b.sources[i] = box.sourceIndex;
  }

  /** Closes the current sample: the boxes pushed since the previous call belong to `token`. */
  endSample(token: string): void {
    this.tokens.push(token);
    this.offsets.push(this.boxCount);
  }

  /** All boxes in one set of columns; with a single block its arrays are used as they are. */
  private joined(): ColumnBlock {
    if (this.full.length === 0) return this.block;
    const n = this.boxCount;
    const out = new ColumnBlock(n);
    const blocks = [...this.full, this.block];
    this.full.length = 0;
    // Block by block, each dropped once copied, so the copy does not hold every box twice.
    for (let at = 0; at < n; at += this.blockSize) {
      const b = blocks.shift()!;
      const used = Math.min(this.blockSize, n - at);
      for (const c of COLUMNS) out.floats[c].set(b.floats[c].subarray(0, used), at);
      out.classes.set(b.classes.subarray(0, used), at);
      out.attributes.set(b.attributes.subarray(0, used), at);
      out.points.set(b.points.subarray(0, used), at);
      out.sources.set(b.sources.subarray(0, used), at);
    }
    return out;
  }

  /** The boxes pushed so far; the builder is spent afterwards (a later push or build fails). */
  build(): EvalBoxes {
    if (this.spent) throw new Error('EvalBoxesBuilder.build() was already called');
    const n = this.boxCount;
    const all = this.joined();
    this.spent = true;
    const cut = <T extends Float64Array | Uint8Array | Int32Array | Uint32Array>(a: T): T =>
      a.subarray(0, n) as T;
    const floats = Object.fromEntries(COLUMNS.map((c) => [c, cut(all.floats[c])])) as Record<
      FloatColumn,
      Float64Array
    >;
    return {
      sampleTokens: this.tokens,
      sampleOffsets: Uint32Array.from(this.offsets),
      boxes: {
        ...floats,
        count: n,
        classCode: cut(all.classes),
        attributeCode: cut(all.attributes),
        numPts: cut(all.points),
        sourceIndex: cut(all.sources),
      },
    };
  }
}

/** A new EvalBoxes holding the boxes with keep[i] set, in the same order; every sample stays, maybe empty. */
export function selectBoxes(source: EvalBoxes, keep: Uint8Array): EvalBoxes {
  const b = source.boxes;
  let kept = 0;
  for (let i = 0; i < b.count; i++) kept += keep[i] ? 1 : 0;
  const builder = new EvalBoxesBuilder(kept);
  for (let s = 0; s < source.sampleTokens.length; s++) {
    for (let i = source.sampleOffsets[s]; i < source.sampleOffsets[s + 1]; i++) {
      if (keep[i]) builder.push(boxAt(b, i));
    }
    builder.endSample(source.sampleTokens[s]);
  }
  return builder.build();
}

export function boxAt(b: BoxColumns, i: number): StoredBox {
  return {
    centerX: b.centerX[i],
    centerY: b.centerY[i],
    centerZ: b.centerZ[i],
    width: b.width[i],
    length: b.length[i],
    height: b.height[i],
    yaw: b.yaw[i],
    velocityX: b.velocityX[i],
    velocityY: b.velocityY[i],
    score: b.score[i],
    classCode: b.classCode[i],
    attributeCode: b.attributeCode[i],
    numPts: b.numPts[i],
    sourceIndex: b.sourceIndex[i],
  };
}

/** Number of points on every interpolated curve: recall 0, 0.01, ..., 1. */
export const CURVE_POINTS = 101;

/** The devkit's DetectionMetricData: curves over recall for one class at one matching threshold. */
export interface DetectionMetricData extends Record<TpMetric, Float64Array> {
  recall: Float64Array;
  precision: Float64Array;
  confidence: Float64Array;
}

/** `numpy.linspace(0, 1, 101)`: i * 0.01 by numpy's formula (step multiply), last element exactly 1. */
export function recallGrid(): Float64Array {
  const out = new Float64Array(CURVE_POINTS);
  const step = 1 / (CURVE_POINTS - 1);
  for (let i = 0; i < CURVE_POINTS; i++) out[i] = i * step;
  out[CURVE_POINTS - 1] = 1;
  return out;
}

/** The devkit's `no_predictions`: zero precision and confidence, every error 1. */
export function noPredictions(): DetectionMetricData {
  const ones = () => new Float64Array(CURVE_POINTS).fill(1);
  return {
    recall: recallGrid(),
    precision: new Float64Array(CURVE_POINTS),
    confidence: new Float64Array(CURVE_POINTS),
    trans_err: ones(),
    vel_err: ones(),
    scale_err: ones(),
    orient_err: ones(),
    attr_err: ones(),
  };
}

/** Last index whose confidence is non-zero (the highest recall reached), or 0 when there is none. */
export function maxRecallIndex(md: DetectionMetricData): number {
  for (let i = md.confidence.length - 1; i >= 0; i--) if (md.confidence[i] !== 0) return i;
  return 0;
}

/** Serialises like the devkit's `DetectionMetricData.serialize()` (key order kept), NaN as null. */
export function serializeMetricData(md: DetectionMetricData): Record<string, (number | null)[]> {
  const keys = [
    'recall',
    'precision',
    'confidence',
    'trans_err',
    'vel_err',
    'scale_err',
    'orient_err',
    'attr_err',
  ] as const;
  return Object.fromEntries(keys.map((k) => [k, Array.from(md[k], (v) => (Number.isNaN(v) ? null : v))]));
}
