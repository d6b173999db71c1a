import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { NuScenes } from '../../src/nuscenes/database.ts';
import { sampleGroundTruth } from '../../src/nuscenes/ground-truth.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { DEFAULT_SPEC, writeTinyDataroot } from '../helpers/tiny-dataroot.ts';

type Maybe = number | null;
interface DevkitSample {
  data: Record<string, string>;
  ego_translation: number[];
  boxes: {
    token: string;
    category_name: string;
    global_velocity: Maybe[];
    ego_center: number[];
    ego_orientation: number[];
    ego_velocity: Maybe[];
  }[];
}
const devkit = JSON.parse(readFileSync(new URL('./fixtures/devkit-tiny.json', import.meta.url), 'utf8')) as {
  samples: Record<string, DevkitSample>;
};

function assertNear(actual: ArrayLike<number>, expected: readonly Maybe[], what: string): void {
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const ok = e === null ? Number.isNaN(actual[i]) : Math.abs(actual[i] - e) <= 1e-12;
    assert.ok(ok, `${what}[${i}]: ${actual[i]} vs devkit ${e}`);
  }
}

describe('parity with nuscenes-devkit on the tiny dataroot', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let nusc: NuScenes;
  before(async () => {
    dir = await makeTempDir('nusc-parity');
    await writeTinyDataroot(dir.path);
    nusc = await NuScenes.open(dir.path, DEFAULT_SPEC.version);
  });
  after(() => dir.remove());

  it('covers the same samples', () => {
    assert.deepEqual(nusc.tables.sample.map((s) => s.token).sort(), Object.keys(devkit.samples).sort());
  });

  for (const [token, expected] of Object.entries(devkit.samples)) {
    it(`${token}: key-frame data, annotation order, categories, velocities and ego-frame boxes`, () => {
      assert.deepEqual(Object.fromEntries(nusc.keyFrameData(token)), expected.data);
      const gt = sampleGroundTruth(nusc, token);
      assertNear(gt.egoTranslation, expected.ego_translation, 'ego translation');
      assert.deepEqual(
        gt.global.map((b) => b.annotationToken),
        expected.boxes.map((b) => b.token),
      );
      gt.ego.forEach((box, i) => {
        const ref = expected.boxes[i];
        assert.equal(box.categoryName, ref.category_name);
        assertNear(gt.global[i].velocity, ref.global_velocity, `${ref.token} global velocity`);
        assertNear(box.center, ref.ego_center, `${ref.token} ego centre`);
        assertNear(box.rotation.toArray(), ref.ego_orientation, `${ref.token} ego orientation`);
        assertNear(box.velocity, ref.ego_velocity, `${ref.token} ego velocity`);
      });
    });
  }
});
