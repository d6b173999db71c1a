import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonArrayFile } from './json-array-reader.ts';
import { FIELD_KINDS, type FieldKind, FOREIGN_KEYS, fieldProblem } from './schema.ts';
import {
  type SampleAnnotationRecord,
  type SampleDataRecord,
  type SampleRecord,
  TABLE_NAMES,
  type TableName,
  type TableRecords,
  type Tables,
  type Token,
  tableFileName,
} from './tables.ts';

type TokenIndex = { readonly [T in TableName]: ReadonlyMap<Token, number> };

/** Where a record came from, for error messages: `v1.0-mini/sample.json record "abc"`. */
function recordLabel(table: TableName, token: Token): string {
  return `${tableFileName(table)} record "${token}"`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return 'nothing (field missing)';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * One nuScenes version (`<dataroot>/<version>/*.json`), loaded, checked and indexed like the devkit's
 * `NuScenes` class: records are kept as parsed (no copies) and looked up by token in constant time.
 * Opening fails, naming the file, record and field, on a missing table, malformed JSON, a field of the
 * wrong type, a duplicate token, a token pointing nowhere or a broken prev/next chain.
 */
export class NuScenes {
  readonly dataroot: string;
  readonly version: string;
  readonly tables: Tables;
  readonly #index: TokenIndex;
  /** sample token -> channel -> key-frame sample_data token (the devkit's `sample['data']`). */
  readonly #keyFrameData: Map<Token, Map<string, Token>>;
  /** sample token -> annotation tokens in sample_annotation.json order (the devkit's `sample['anns']`). */
  readonly #annotations: Map<Token, Token[]>;
  readonly #logToMap: Map<Token, Token>;

  private constructor(dataroot: string, version: string, tables: Tables, index: TokenIndex) {
    this.dataroot = dataroot;
    this.version = version;
    this.tables = tables;
    this.#index = index;
    this.#keyFrameData = new Map(tables.sample.map((s) => [s.token, new Map()]));
    this.#annotations = new Map(tables.sample.map((s) => [s.token, []]));
    this.#logToMap = new Map();
  }

  /** Loads `<dataroot>/<version>/<table>.json` for every table and builds the indexes. */
  static async open(dataroot: string, version: string): Promise<NuScenes> {
    const tableRoot = join(dataroot, version);
    const dir = await stat(tableRoot).catch(() => undefined);
    if (!dir?.isDirectory()) {
      throw new Error(
        `nuScenes tables not found: ${tableRoot} is not a directory (dataroot "${dataroot}", version "${version}")`,
      );
    }
    const tables: Partial<Record<TableName, unknown[]>> = {};
    const index: Partial<Record<TableName, Map<Token, number>>> = {};
    for (const table of TABLE_NAMES) {
      const file = join(tableRoot, tableFileName(table));
      await access(file).catch(() => {
        throw new Error(
          `missing table file ${file}: a nuScenes version needs ${TABLE_NAMES.map(tableFileName).join(', ')}`,
        );
      });
      const records: unknown[] = [];
      const tokens = new Map<Token, number>();
      const kinds = Object.entries(FIELD_KINDS[table]) as [string, FieldKind][];
      await readJsonArrayFile(file, (record, i) => {
        checkRecord(file, i, record, kinds);
        const token = (record as { token: Token }).token;
        const earlier = tokens.get(token);
        if (earlier !== undefined)
          throw new Error(`${file}: record #${i}: duplicate token "${token}" (record #${earlier})`);
        tokens.set(token, i);
        records.push(record);
      });
      tables[table] = records;
      index[table] = tokens;
    }
    const nusc = new NuScenes(dataroot, version, tables as Tables, index as TokenIndex);
    nusc.#checkForeignKeys();
    nusc.#checkChains();
    nusc.#checkSceneEnds();
    nusc.#buildReverseIndexes();
    return nusc;
  }

  get tableRoot(): string {
    return join(this.dataroot, this.version);
  }

  has(table: TableName, token: Token): boolean {
    return this.#index[table].has(token);
  }

  /** The record of `table` with `token`; throws naming both when there is none. */
  get<T extends TableName>(table: T, token: Token): TableRecords[T] {
    const i = this.#index[table].get(token);
    if (i === undefined) throw new Error(`no ${tableFileName(table)} record with token "${token}"`);
    return this.tables[table][i] as TableRecords[T];
  }

  /** Sensor channel of a sample_data, e.g. `CAM_FRONT` (the devkit's `sample_data['channel']`). */
  channel(sd: SampleDataRecord): string {
    return this.get('sensor', this.get('calibrated_sensor', sd.calibrated_sensor_token).sensor_token).channel;
  }

  /** Key-frame sample_data of a sample, by channel. */
  keyFrameData(sampleToken: Token): ReadonlyMap<string, Token> {
    const data = this.#keyFrameData.get(sampleToken);
    if (data === undefined) throw new Error(`no sample.json record with token "${sampleToken}"`);
    return data;
  }

  /** The sample's key-frame sample_data of `channel`; throws when the sample has none. */
  sampleData(sampleToken: Token, channel: string): SampleDataRecord {
    const token = this.keyFrameData(sampleToken).get(channel);
    if (token === undefined) {
      const have = [...this.keyFrameData(sampleToken).keys()].join(', ') || 'none';
      throw new Error(
        `sample "${sampleToken}" has no key-frame sample_data for channel ${channel} (it has: ${have})`,
      );
    }
    return this.get('sample_data', token);
  }

  /** Annotation tokens of a sample in sample_annotation.json order, as the devkit's `sample['anns']`. */
  annotationTokens(sampleToken: Token): readonly Token[] {
    const anns = this.#annotations.get(sampleToken);
    if (anns === undefined) throw new Error(`no sample.json record with token "${sampleToken}"`);
    return anns;
  }

  annotations(sampleToken: Token): SampleAnnotationRecord[] {
    return this.annotationTokens(sampleToken).map((t) => this.get('sample_annotation', t));
  }

  /** Category name of an annotation (the devkit's `sample_annotation['category_name']`). */
  categoryName(ann: SampleAnnotationRecord): string {
    return this.get('category', this.get('instance', ann.instance_token).category_token).name;
  }

  /** The map record covering a log (the devkit's `log['map_token']`). */
  mapTokenOfLog(logToken: Token): Token {
    const token = this.#logToMap.get(logToken);
    if (token === undefined) throw new Error(`no log.json record with token "${logToken}"`);
    return token;
  }

  /** Samples of a scene in time order, walked from `first_sample_token` along `next`. */
  sceneSamples(sceneToken: Token): SampleRecord[] {
    const scene = this.get('scene', sceneToken);
    const out: SampleRecord[] = [];
    for (let token = scene.first_sample_token; token !== ''; ) {
      const sample = this.get('sample', token);
      out.push(sample);
      token = sample.next;
    }
    return out;
  }

  /** Absolute path of a sample_data's file. */
  filePath(sd: SampleDataRecord): string {
    return join(this.dataroot, sd.filename);
  }

  #checkForeignKeys(): void {
    for (const { table, field, target } of FOREIGN_KEYS) {
      const targets = this.#index[target];
      for (const record of this.tables[table] as unknown as readonly Record<string, unknown>[]) {
        const value = record[field];
        for (const token of Array.isArray(value) ? (value as Token[]) : [value as Token]) {
          if (token !== '' && !targets.has(token)) {
            throw new Error(
              `${recordLabel(table, record.token as Token)}: field "${field}" points to "${token}", which is not a token in ${tableFileName(target)}`,
            );
          }
        }
      }
    }
  }

  /** prev/next must be mutual (and, for sample_data, stay on one sensor), or walking a chain goes astray. */
  #checkChains(): void {
    const check = <T extends 'sample' | 'sample_data' | 'sample_annotation'>(
      table: T,
      sameStream: (a: TableRecords[T], b: TableRecords[T]) => string | undefined,
    ): void => {
      for (const record of this.tables[table] as readonly TableRecords[T][]) {
        if (record.next === '') continue;
        const next = this.get(table, record.next) as TableRecords[T];
        if (next.prev !== record.token) {
          throw new Error(
            `${recordLabel(table, record.token)}: field "next" points to "${next.token}", whose "prev" is "${next.prev}" instead of "${record.token}"`,
          );
        }
        const problem = sameStream(record, next);
        if (problem)
          throw new Error(
            `${recordLabel(table, record.token)}: field "next" points to "${next.token}", ${problem}`,
          );
      }
      for (const record of this.tables[table] as readonly TableRecords[T][]) {
        if (record.prev !== '' && (this.get(table, record.prev) as TableRecords[T]).next !== record.token) {
          throw new Error(
            `${recordLabel(table, record.token)}: field "prev" points to "${record.prev}", whose "next" is not "${record.token}"`,
          );
        }
      }
    };
    check('sample', (a, b) => (a.scene_token === b.scene_token ? undefined : `which is in another scene`));
    check('sample_data', (a, b) => {
      const [ca, cb] = [this.channel(a), this.channel(b)];
      return ca === cb ? undefined : `which is on channel ${cb}, not ${ca}`;
    });
    check('sample_annotation', (a, b) =>
      a.instance_token === b.instance_token ? undefined : `which annotates another instance`,
    );
  }

  /** A scene's first and last samples are its own and end its chain (so walking it terminates). */
  #checkSceneEnds(): void {
    for (const scene of this.tables.scene) {
      for (const [field, link] of [
        ['first_sample_token', 'prev'],
        ['last_sample_token', 'next'],
      ] as const) {
        const sample = this.get('sample', scene[field]);
        const problem =
          sample.scene_token !== scene.token
            ? `which belongs to scene "${sample.scene_token}"`
            : sample[link] !== ''
              ? `whose "${link}" is "${sample[link]}" instead of ""`
              : undefined;
        if (problem)
          throw new Error(
            `${recordLabel('scene', scene.token)}: field "${field}" points to "${sample.token}", ${problem}`,
          );
      }
    }
  }

  #buildReverseIndexes(): void {
    for (const sd of this.tables.sample_data) {
      if (!sd.is_key_frame) continue;
      const data = this.#keyFrameData.get(sd.sample_token)!;
      const channel = this.channel(sd);
      const other = data.get(channel);
      if (other !== undefined) {
        throw new Error(
          `${recordLabel('sample_data', sd.token)}: sample "${sd.sample_token}" already has key-frame sample_data "${other}" for channel ${channel}`,
        );
      }
      data.set(channel, sd.token);
    }
    for (const ann of this.tables.sample_annotation) this.#annotations.get(ann.sample_token)!.push(ann.token);
    for (const map of this.tables.map) for (const log of map.log_tokens) this.#logToMap.set(log, map.token);
    for (const log of this.tables.log) {
      if (!this.#logToMap.has(log.token)) {
        throw new Error(
          `${recordLabel('log', log.token)}: no map.json record lists this log in its "log_tokens"`,
        );
      }
    }
  }
}

function checkRecord(file: string, i: number, record: unknown, kinds: readonly [string, FieldKind][]): void {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new Error(`${file}: record #${i} is not a JSON object`);
  }
  const fields = record as Record<string, unknown>;
  for (const [field, kind] of kinds) {
    const problem = fieldProblem(kind, fields[field]);
    if (problem !== undefined) {
      const which =
        typeof fields.token === 'string' ? `record #${i} (token "${fields.token}")` : `record #${i}`;
      throw new Error(`${file}: ${which}: field "${field}": ${problem}, got ${preview(fields[field])}`);
    }
  }
}
