import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MAP_LOCATIONS,
  type MapExpansionJson,
  type MapLocation,
  type MapNode,
  mapExpansionPath,
  type Token,
} from './expansion-types.ts';
import { MapExpansionError, validateMapExpansion } from './expansion-validate.ts';
import { type InFrame, type LineString, lineString, type Polygon, polygon, type XY } from './planar.ts';

/** Layers whose records are lists with a `token` (everything but `arcline_path_3` and `connectivity`). */
export type RecordLayer = {
  [K in keyof MapExpansionJson]: MapExpansionJson[K] extends readonly { token: Token }[] ? K : never;
}[keyof MapExpansionJson];

type RecordOf<L extends RecordLayer> = MapExpansionJson[L][number];

export function isMapLocation(s: string): s is MapLocation {
  return (MAP_LOCATIONS as readonly string[]).includes(s);
}

/**
 * One location's map expansion: the validated records, indexed by token, and their geometry in the global frame.
 */
export class MapExpansion {
  readonly location: MapLocation;
  /** Where the records came from, for messages. */
  readonly file: string;
  readonly records: MapExpansionJson;
  private readonly index = new Map<RecordLayer, Map<Token, unknown>>();
  /** Geometries are immutable, and every patch cut asks for the whole layer's again. */
  private readonly polygons = new Map<Token, InFrame<Polygon, 'global'>>();
  private readonly lines = new Map<Token, InFrame<LineString, 'global'>>();

  constructor(location: MapLocation, records: MapExpansionJson, file: string) {
    this.location = location;
    this.records = records;
    this.file = file;
  }

  /** Reads `<dataRoot>/maps/expansion/<location>.json`. */
  static async load(dataRoot: string, location: string): Promise<MapExpansion> {
    if (!isMapLocation(location)) {
      throw new MapExpansionError(
        `unknown map location '${location}'; expected one of ${MAP_LOCATIONS.join(', ')}`,
      );
    }
    const file = join(dataRoot, mapExpansionPath(location));
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new MapExpansionError(`${file}: cannot read the map expansion (${(e as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new MapExpansionError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    return new MapExpansion(location, validateMapExpansion(json, file), file);
  }

  /** The record with `token` in `layer`; an unknown token is an error naming both. */
  get<L extends RecordLayer>(layer: L, token: Token): RecordOf<L> {
    let byToken = this.index.get(layer);
    if (!byToken) {
      byToken = new Map((this.records[layer] as readonly { token: Token }[]).map((r) => [r.token, r]));
      this.index.set(layer, byToken);
    }
    const rec = byToken.get(token);
    if (rec === undefined) throw new MapExpansionError(`${this.file}: layer ${layer} has no record ${token}`);
    return rec as RecordOf<L>;
  }

  private xy(nodeTokens: readonly Token[]): XY[] {
    return nodeTokens.map((t) => {
      const n: MapNode = this.get('node', t);
      return [n.x, n.y] as const;
    });
  }

  /** The devkit's `extract_polygon`: exterior plus the non-empty holes, global frame. */
  polygon(polygonToken: Token): InFrame<Polygon, 'global'> {
    let poly = this.polygons.get(polygonToken);
    if (poly === undefined) {
      const rec = this.get('polygon', polygonToken);
      const holes = rec.holes.filter((h) => h.node_tokens.length > 0).map((h) => this.xy(h.node_tokens));
      poly = polygon<'global'>(this.xy(rec.exterior_node_tokens), holes);
      this.polygons.set(polygonToken, poly);
    }
    return poly;
  }

  /** The devkit's `extract_line`, global frame; empty for a line without nodes. */
  line(lineToken: Token): InFrame<LineString, 'global'> {
    let line = this.lines.get(lineToken);
    if (line === undefined) {
      line = lineString<'global'>(this.xy(this.get('line', lineToken).node_tokens));
      this.lines.set(lineToken, line);
    }
    return line;
  }
}
