import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NuScenes } from '../../src/nuscenes/database.ts';
import type { TableName } from '../../src/nuscenes/tables.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { buildTinyDataset, type MutableTables, writeTable } from '../helpers/tiny-dataroot.ts';

const VERSION = 'v1.0-faulty';

/** Writes the tiny dataset's tables after `plant` has damaged them; returns the dataroot. */
async function tablesWith(root: string, plant: (t: MutableTables) => void): Promise<string> {
  const dataroot = join(root, `case-${Math.random().toString(36).slice(2)}`);
  const { tables } = buildTinyDataset();
  plant(tables);
  for (const [table, records] of Object.entries(tables))
    await writeTable(dataroot, VERSION, table as TableName, records);
  return dataroot;
}

describe('NuScenes.open refuses bad tables, naming file, record and field', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    dir = await makeTempDir('nusc-errors');
  });
  after(() => dir.remove());

  it('names the version directory when it does not exist', async () => {
    await assert.rejects(NuScenes.open(dir.path, 'v1.0-none'), /v1\.0-none is not a directory/);
  });

  it('names a missing table file', async () => {
    const root = await tablesWith(dir.path, () => {});
    await rm(join(root, VERSION, 'visibility.json'));
    await assert.rejects(NuScenes.open(root, VERSION), (err: Error) => {
      assert.match(err.message, /missing table file .*v1\.0-faulty\/visibility\.json/);
      return true;
    });
  });

  it('names the file and line of malformed JSON', async () => {
    const root = await tablesWith(dir.path, () => {});
    await writeFile(join(root, VERSION, 'log.json'), '[\n {"token": "log:0",\n  "logfile": }\n]\n');
    await assert.rejects(
      NuScenes.open(root, VERSION),
      /log\.json: invalid JSON at byte 3 \(line 2, column 2\): record #0/,
    );
  });

  it('names a truncated file', async () => {
    const root = await tablesWith(dir.path, () => {});
    await writeFile(
      join(root, VERSION, 'sensor.json'),
      '[{"token": "s", "channel": "CAM_FRONT", "modality": "camera"},',
    );
    await assert.rejects(
      NuScenes.open(root, VERSION),
      /sensor\.json: invalid JSON at .*the array is not closed/,
    );
  });

  it('names the record and field of a value of the wrong type', async () => {
    const root = await tablesWith(dir.path, (t) => {
      (t.sample[2] as unknown as Record<string, unknown>).timestamp = '1532402927';
    });
    await assert.rejects(
      NuScenes.open(root, VERSION),
      /sample\.json: record #2 \(token "sample:scene-0061:2"\): field "timestamp": expected an integer, got "1532402927"/,
    );
  });

  it('names a missing field', async () => {
    const root = await tablesWith(dir.path, (t) => {
      delete (t.sample_annotation[1] as unknown as Record<string, unknown>).size;
    });
    await assert.rejects(
      NuScenes.open(root, VERSION),
      /sample_annotation\.json: record #1 \(token "ann:0:1"\): field "size": .*field missing/,
    );
  });

  it('names a duplicate token', async () => {
    const root = await tablesWith(dir.path, (t) => {
      t.attribute[2].token = t.attribute[0].token;
    });
    await assert.rejects(
      NuScenes.open(root, VERSION),
      /attribute\.json: record #2: duplicate token "attr:vehicle\.moving" \(record #0\)/,
    );
  });

  const dangling: [string, (t: MutableTables) => void, RegExp][] = [
    [
      'a sample_data ego pose',
      (t) => {
        t.sample_data[5].ego_pose_token = 'ego:gone';
      },
      /sample_data\.json record "sd:CAM_FRONT:scene-0061:5": field "ego_pose_token" points to "ego:gone", which is not a token in ego_pose\.json/,
    ],
    [
      'an annotation attribute in a token list',
      (t) => {
        t.sample_annotation[0].attribute_tokens = ['attr:flying'];
      },
      /sample_annotation\.json record "ann:0:0": field "attribute_tokens" points to "attr:flying", which is not a token in attribute\.json/,
    ],
    [
      'an instance category',
      (t) => {
        t.instance[1].category_token = 'cat:unicorn';
      },
      /instance\.json record "inst:1": field "category_token" points to "cat:unicorn"/,
    ],
  ];
  for (const [what, plant, message] of dangling) {
    it(`names the table, record and field of a dangling token: ${what}`, async () => {
      await assert.rejects(NuScenes.open(await tablesWith(dir.path, plant), VERSION), message);
    });
  }

  it('names a prev/next chain that is not mutual', async () => {
    const root = await tablesWith(dir.path, (t) => {
      t.sample_annotation[2].prev = 'ann:0:0';
    });
    await assert.rejects(
      NuScenes.open(root, VERSION),
      /sample_annotation\.json record "ann:0:1": field "next" points to "ann:0:2", whose "prev" is "ann:0:0"/,
    );
  });

  it('names a sample_data chain that jumps to another sensor', async () => {
    const root = await tablesWith(dir.path, (t) => {
      const front = t.sample_data.find((sd) => sd.token === 'sd:CAM_FRONT:scene-0061:0')!;
      const back = t.sample_data.find((sd) => sd.token === 'sd:CAM_BACK:scene-0061:1')!;
      const frontNext = t.sample_data.find((sd) => sd.token === front.next)!;
      frontNext.prev = '';
      front.next = back.token;
      const backPrev = t.sample_data.find((sd) => sd.token === back.prev)!;
      backPrev.next = '';
      back.prev = front.token;
    });
    await assert.rejects(
      NuScenes.open(root, VERSION),
      /"sd:CAM_FRONT:scene-0061:0": field "next" points to "sd:CAM_BACK:scene-0061:1", which is on channel CAM_BACK, not CAM_FRONT/,
    );
  });

  it('names a log that no map covers', async () => {
    const root = await tablesWith(dir.path, (t) => {
      t.log.push({ ...t.log[0], token: 'log:orphan' });
    });
    await assert.rejects(
      NuScenes.open(root, VERSION),
      /log\.json record "log:orphan": no map\.json record lists this log/,
    );
  });

  it('names two key frames of one channel in one sample', async () => {
    const root = await tablesWith(dir.path, (t) => {
      const sweep = t.sample_data.find((sd) => sd.token === 'sd:CAM_FRONT:scene-0061:2')!;
      sweep.is_key_frame = true;
    });
    await assert.rejects(
      NuScenes.open(root, VERSION),
      /already has key-frame sample_data "sd:CAM_FRONT:scene-0061:\d" for channel CAM_FRONT/,
    );
  });

  it('names a scene whose first sample has a predecessor (its chain would not start there)', async () => {
    const root = await tablesWith(dir.path, (t) => {
      const scene = t.sample.filter((s) => s.scene_token === 'scene:scene-0061');
      const [first, last] = [scene[0], scene[scene.length - 1]];
      last.next = first.token;
      first.prev = last.token;
    });
    await assert.rejects(
      NuScenes.open(root, VERSION),
      /scene\.json record "scene:scene-0061": field "first_sample_token" points to "sample:scene-0061:0", whose "prev" is "sample:scene-0061:3" instead of ""/,
    );
  });

  it('names a scene whose last sample belongs to another scene', async () => {
    const root = await tablesWith(dir.path, (t) => {
      t.scene[0].last_sample_token = t.scene[1].first_sample_token;
    });
    await assert.rejects(
      NuScenes.open(root, VERSION),
      /field "last_sample_token" points to "sample:scene-0103:0", which belongs to scene "scene:scene-0103"/,
    );
  });
});
