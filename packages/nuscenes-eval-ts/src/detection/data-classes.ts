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

type ColumnName = Exclude<keyof BoxColumns, 'count'>;

/** The arrays behind BoxColumns, each long enough for some capacity of boxes. */
export type BoxStorage = { -readonly [K in ColumnName]: BoxColumns[K] };

/**
 * Arrays for `capacity` boxes. Shared storage can be written by worker threads in place. Either kind is
 * zero-filled by the system on first touch, so capacity that is never written costs address space, not memory.
 */
export function allocateBoxStorage(capacity: number, shared = false): BoxStorage {
  const bytes = (perBox: number) =>
    shared ? new SharedArrayBuffer(capacity * perBox) : new ArrayBuffer(capacity * perBox);
  const floats = Object.fromEntries(COLUMNS.map((c) => [c, new Float64Array(bytes(8))])) as Record<
    FloatColumn,
    Float64Array
  >;
  return {
    ...floats,
    classCode: new Uint8Array(bytes(1)),
    attributeCode: new Uint8Array(bytes(1)),
    numPts: new Int32Array(bytes(4)),
    sourceIndex: new Uint32Array(bytes(4)),
  };
}

/** Storage for `capacity` boxes holding the first `count` boxes of `from`. */
function widenStorage(from: BoxStorage, count: number, capacity: number): BoxStorage {
  const to = allocateBoxStorage(capacity);
  for (const name of Object.keys(to) as ColumnName[]) to[name].set(from[name].subarray(0, count));
  return to;
}

/** The first `count` boxes of `storage`, as columns. */
export function columnsOf(storage: BoxStorage, count: number): BoxColumns {
  const columns = Object.fromEntries(
    Object.entries(storage).map(([name, array]) => [name, array.subarray(0, count)]),
  ) as BoxStorage;
  return { ...columns, count };
}

/**
 * Appends boxes sample by sample into typed columns: its own, grown as needed, or a fixed range of given
 * storage (a worker's share of columns shared between threads).
 */
export class EvalBoxesBuilder {
  private capacity: number;
  private n: number;
  private storage: BoxStorage;
  private readonly fixed: boolean;
  private readonly tokens: string[] = [];
  private readonly offsets: number[];

  /** `into`: write boxes [start, end) of that storage, and no more. */
  constructor(initialCapacity = 1024, into?: { storage: BoxStorage; start: number; end: number }) {
    this.fixed = into !== undefined;
    this.n = into?.start ?? 0;
    this.capacity = into?.end ?? Math.max(1, initialCapacity);
    this.storage = into?.storage ?? allocateBoxStorage(this.capacity);
    this.offsets = [this.n];
  }

  get boxCount(): number {
    return this.n;
  }

  /** Whether a fixed range of storage has no room left (own columns grow instead). */
  get full(): boolean {
    return this.fixed && this.n === this.capacity;
  }

  get sampleCount(): number {
    return this.tokens.length;
  }

  private grow(): void {
    if (this.fixed) {
      throw new Error(`EvalBoxesBuilder: more boxes than the ${this.capacity} it was given room for`);
    }
    // 1.5x rather than 2x: a validation split's millions of boxes would otherwise leave up to half unused.
    this.capacity = Math.ceil(this.capacity * 1.5);
    this.storage = widenStorage(this.storage, this.n, this.capacity);
  }

  push(box: StoredBox): void {
    if (this.n === this.capacity) this.grow();
    const i = this.n++;
    const f = this.storage;
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
    f.classCode[i] = box.classCode;
    f.attributeCode[i] = box.attributeCode;
    f.numPts[i] = box.numPts;
    f.sourceIndex[i] = box.sourceIndex;
  }

  /** Drops the boxes pushed since the last `endSample`. */
  discardOpenSample(): void {
    this.n = this.offsets[this.offsets.length - 1];
  }

  /** Closes the current sample: the boxes pushed since the previous call belong to `token`. */
  endSample(token: string): void {
    this.tokens.push(token);
    this.offsets.push(this.n);
  }

  build(): EvalBoxes {
    return {
      sampleTokens: this.tokens,
      sampleOffsets: Uint32Array.from(this.offsets),
      boxes: columnsOf(this.storage, this.n),
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
