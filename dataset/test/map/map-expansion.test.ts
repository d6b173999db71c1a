import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MapExpansionError, validateMapExpansion } from '../../src/map/expansion-validate.ts';
import { MapExpansion } from '../../src/map/map-expansion.ts';
import { toyMapJson } from './toy-map.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests break arbitrary fields of the JSON on purpose
type Mutable = Record<string, any>;
const broken = (edit: (m: Mutable) => void) => {
  const m = structuredClone(toyMapJson()) as unknown as Mutable;
  edit(m);
  return () => validateMapExpansion(m, 'maps/expansion/boston-seaport.json');
};
const fails = (edit: (m: Mutable) => void, message: RegExp) =>
  assert.throws(broken(edit), (e: Error) => {
    assert.ok(e instanceof MapExpansionError);
    assert.match(e.message, /^maps\/expansion\/boston-seaport\.json: /);
    assert.match(e.message, message);
    return true;
  });

describe('map expansion validation', () => {
  it('accepts the toy map and keeps every record', () => {
    const m = validateMapExpansion(toyMapJson(), 'toy.json');
    assert.equal(m.ped_crossing.length, toyMapJson().ped_crossing.length);
    assert.equal(m.version, '1.3');
  });

  it('names the polygon, field and missing node of a dangling node token', () => {
    fails((m) => {
      m.polygon[2].exterior_node_tokens[1] = 'nope';
    }, /polygon record p2: field 'exterior_node_tokens\[1\]' names node nope, which does not exist/);
  });

  it('names the layer record whose polygon token dangles', () => {
    fails((m) => {
      m.walkway[0].polygon_token = 'gone';
    }, /walkway record ww0: field 'polygon_token' names polygon gone/);
  });

  it('names the divider whose line token dangles', () => {
    fails((m) => {
      m.lane_divider[1].line_token = 'l999';
    }, /lane_divider record ld1: field 'line_token' names line l999/);
  });

  it('resolves stop-line cues by type, as the devkit does', () => {
    fails((m) => {
      m.stop_line[0].ped_crossing_tokens = ['pc99'];
    }, /stop_line record sl0: field 'ped_crossing_tokens\[0\]' names ped_crossing pc99/);
    fails((m) => {
      m.stop_line[1].stop_line_type = 'GIVE_WAY';
    }, /stop_line record sl1: field 'stop_line_type' must be one of/);
  });

  it('rejects a one-node line, which shapely cannot build', () => {
    fails((m) => {
      m.line[0].node_tokens = [m.line[0].node_tokens[0]];
    }, /line record l0: field 'node_tokens' has 1 node/);
  });

  it('rejects duplicate tokens, missing layers, wrong types and old versions', () => {
    fails((m) => {
      m.node[1].token = m.node[0].token;
    }, /node record n0: duplicate token/);
    fails((m) => {
      delete m.carpark_area;
    }, /layer 'carpark_area' is missing/);
    fails((m) => {
      m.node[3].x = '12';
    }, /node record n3: field 'x' must be a finite number/);
    fails((m) => {
      m.road_segment[0].is_intersection = 1;
    }, /road_segment record rs0: field 'is_intersection' must be true or false/);
    fails((m) => {
      m.version = '1.2';
    }, /map version 1.2 is older than 1.3/);
    fails((m) => {
      delete m.version;
    }, /map version 1.0 is older than 1.3/);
  });
});

describe('MapExpansion.load', () => {
  const root = mkdtempSync(join(tmpdir(), 'mim4d-map-'));
  mkdirSync(join(root, 'maps', 'expansion'), { recursive: true });
  writeFileSync(join(root, 'maps', 'expansion', 'boston-seaport.json'), JSON.stringify(toyMapJson()));
  writeFileSync(join(root, 'maps', 'expansion', 'singapore-onenorth.json'), '{"version": "1.3",');

  it('reads a location and gives records by token and polygons in the global frame', async () => {
    const map = await MapExpansion.load(root, 'boston-seaport');
    const hole = map.polygon(map.get('road_segment', 'rs2').polygon_token);
    assert.equal(hole.getNumInteriorRing(), 1);
    const first = hole.getExteriorRing().getCoordinates()[0];
    assert.deepEqual([first.x, first.y], [630, 1630]);
    assert.throws(() => map.get('lane', 'lane77'), /layer lane has no record lane77/);
  });

  it('names the file of malformed JSON, and refuses unknown locations and missing files', async () => {
    await assert.rejects(
      MapExpansion.load(root, 'singapore-onenorth'),
      /singapore-onenorth\.json: not valid JSON/,
    );
    await assert.rejects(MapExpansion.load(root, 'atlantis'), /unknown map location 'atlantis'/);
    await assert.rejects(
      MapExpansion.load(root, 'singapore-queenstown'),
      /singapore-queenstown\.json: cannot read/,
    );
  });
});
