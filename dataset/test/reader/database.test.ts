import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NuScenes } from '../../src/nuscenes/database.ts';
import { CAMERA_CHANNELS, type TableName } from '../../src/nuscenes/tables.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import {
  buildTinyDataset,
  DEFAULT_SPEC,
  sampleToken,
  type TinyDataset,
  writeTable,
  writeTinyDataroot,
} from '../helpers/tiny-dataroot.ts';

describe('NuScenes.open on a tiny dataroot', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let written: TinyDataset;
  let nusc: NuScenes;

  before(async () => {
    dir = await makeTempDir('nusc-db');
    written = await writeTinyDataroot(dir.path);
    nusc = await NuScenes.open(dir.path, DEFAULT_SPEC.version);
  });
  after(() => dir.remove());

  it('loads every table with its records in file order', () => {
    for (const [table, records] of Object.entries(written.tables)) {
      assert.deepEqual(
        nusc.tables[table as keyof typeof nusc.tables].map((r) => r.token),
        records.map((r) => r.token),
        table,
      );
    }
  });

  it('looks records up by token and names table and token when there is none', () => {
    assert.equal(nusc.get('scene', 'scene:scene-0061').name, 'scene-0061');
    assert.equal(nusc.has('sample', 'nope'), false);
    assert.throws(() => nusc.get('sample', 'nope'), /no sample\.json record with token "nope"/);
  });

  it('indexes each sample by channel to its key-frame sample_data', () => {
    const s1 = sampleToken('scene-0061', 1);
    const data = nusc.keyFrameData(s1);
    assert.deepEqual([...data.keys()].sort(), [...CAMERA_CHANNELS, 'LIDAR_TOP'].sort());
    for (const [channel, token] of data) {
      const sd = nusc.get('sample_data', token);
      assert.equal(sd.is_key_frame, true);
      assert.equal(sd.sample_token, s1);
      assert.equal(nusc.channel(sd), channel);
    }
    // Two camera sweeps precede each later key frame, so CAM_FRONT's key frame of sample 1 is its 4th frame.
    assert.equal(nusc.sampleData(s1, 'CAM_FRONT').token, 'sd:CAM_FRONT:scene-0061:3');
    assert.throws(
      () => nusc.sampleData(s1, 'RADAR_FRONT'),
      /has no key-frame sample_data for channel RADAR_FRONT/,
    );
  });

  it('lists a sample\'s annotations in sample_annotation.json order, like the devkit\'s sample["anns"]', () => {
    const expected = written.tables.sample_annotation
      .filter((a) => a.sample_token === sampleToken('scene-0061', 0))
      .map((a) => a.token);
    assert.deepEqual(nusc.annotationTokens(sampleToken('scene-0061', 0)), expected);
    assert.deepEqual(expected, ['ann:0:0', 'ann:1:0', 'ann:3:0']);
    assert.deepEqual(nusc.annotationTokens(sampleToken('scene-0061', 3)), ['ann:2:2']);
    assert.equal(nusc.categoryName(nusc.get('sample_annotation', 'ann:1:0')), 'human.pedestrian.adult');
  });

  it("walks a scene's samples and a sensor's sample_data chain in time order", () => {
    const samples = nusc.sceneSamples('scene:scene-0061');
    assert.deepEqual(
      samples.map((s) => s.token),
      [0, 1, 2, 3].map((i) => sampleToken('scene-0061', i)),
    );
    const timestamps: number[] = [];
    for (let sd = nusc.sampleData(samples[3].token, 'CAM_BACK'); ; sd = nusc.get('sample_data', sd.prev)) {
      timestamps.push(sd.timestamp);
      if (sd.prev === '') break;
    }
    assert.equal(timestamps.length, 1 + 3 * 3);
    assert.deepEqual(
      [...timestamps].sort((a, b) => b - a),
      timestamps,
    );
  });

  it('maps each log to its map record and resolves data paths under the dataroot', () => {
    assert.equal(nusc.mapTokenOfLog('log:0'), 'map:0');
    const sd = nusc.sampleData(sampleToken('scene-0103', 0), 'LIDAR_TOP');
    assert.ok(nusc.filePath(sd).startsWith(dir.path));
    assert.ok(nusc.filePath(sd).endsWith('.pcd.bin'));
  });

  it('accepts map log_tokens of logs from other versions, as the shared map table has them', async () => {
    const { tables } = buildTinyDataset();
    tables.map[0].log_tokens.push('log:of-another-version');
    const root = join(dir.path, 'shared-map');
    for (const [table, records] of Object.entries(tables)) {
      await writeTable(root, DEFAULT_SPEC.version, table as TableName, records);
    }
    const other = await NuScenes.open(root, DEFAULT_SPEC.version);
    assert.equal(other.mapTokenOfLog('log:0'), 'map:0');
  });
});
