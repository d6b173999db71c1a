import assert from 'node:assert/strict';
import { Linear, ParamStore } from '@mim4d/nn';
import { BACKBONE_MODULES, Mim4dBackbone } from '@mim4d/pretrain';
import {
  formatTransferReport,
  type ResolvedBackbone,
  resolveBackbone,
  transferWeights,
} from '../../src/index.ts';
import { type MicroRun, microRun } from './micro-run.ts';

/** A head model as the heads build it: the shared backbone under its checkpoint names, plus a fresh head. */
function headModel(run: MicroRun, seed: number): ParamStore {
  const params = new ParamStore(seed);
  new Mim4dBackbone(params, run.config);
  new Linear(params.scope('head').scope('cls'), run.config.neck.channels, 10);
  return params;
}

const values = (params: ParamStore, name: string) => params.get(name).dataSync() as Float32Array;

describe('transferWeights', () => {
  let run: MicroRun;
  before(async () => {
    run = await microRun();
  });
  after(() => run.remove());

  it('assigns every backbone tensor by name; the head stays fresh; render_conv of an export is discarded', async () => {
    const backbone = await resolveBackbone(run.exportDir);
    const params = headModel(run, 99);
    const headBefore = values(params, 'head.cls.weight').slice();
    const report = transferWeights(params, backbone);
    const names = params.names();
    const isBackbone = (n: string) => BACKBONE_MODULES.some((m) => n.startsWith(`${m}.`));
    assert.deepEqual(report.transferred, names.filter(isBackbone));
    assert.deepEqual(report.fresh, ['head.cls.weight', 'head.cls.bias']);
    assert.ok(report.discarded.length > 0);
    assert.ok(report.discarded.every((n) => n.startsWith('render_conv.')));
    for (const name of report.transferred) {
      assert.deepEqual(values(params, name), backbone.tensors.get(name)!.data, name);
    }
    assert.deepEqual(values(params, 'head.cls.weight'), headBefore);
    assert.equal(
      formatTransferReport(report),
      `backbone: ${report.transferred.length} tensors transferred, 2 fresh, ${report.discarded.length} discarded`,
    );
    params.dispose();
  });

  it('from a run discards nothing: it holds only the transferring modules, BatchNorm statistics included', async () => {
    const backbone = await resolveBackbone(run.runDir);
    const params = headModel(run, 5);
    const report = transferWeights(params, backbone);
    assert.deepEqual(report.discarded, []);
    assert.equal(report.transferred.length, backbone.tensors.size);
    params.dispose();
  });

  it('leaves every parameter fresh for none', async () => {
    const params = headModel(run, 5);
    const report = transferWeights(params, await resolveBackbone('none'));
    assert.deepEqual(report, { transferred: [], fresh: params.names(), discarded: [] });
    assert.equal(
      formatTransferReport(report),
      `backbone: 0 tensors transferred, ${params.names().length} fresh, 0 discarded`,
    );
    params.dispose();
  });

  it('refuses a shape mismatch, naming the tensor and both shapes, before assigning anything', async () => {
    const backbone = await resolveBackbone(run.runDir);
    const name = [...backbone.tensors.keys()].find((n) => n.startsWith('img_neck.'))!;
    const wrong = backbone.tensors.get(name)!;
    const tampered: ResolvedBackbone = {
      ...backbone,
      tensors: new Map([
        ...backbone.tensors,
        [name, { shape: [...wrong.shape, 2], data: new Float32Array(0) }],
      ]),
    };
    const params = headModel(run, 7);
    const first = backbone.tensors.keys().next().value!;
    const before = values(params, first).slice();
    assert.throws(
      () => transferWeights(params, tampered),
      new RegExp(
        `^Error: backbone ${run.runDir.replaceAll('/', '\\/')}: tensor ${name.replaceAll('.', '\\.')} has shape ` +
          `\\[${[...wrong.shape, 2]}\\], the model needs \\[${wrong.shape}\\]$`,
      ),
    );
    assert.deepEqual(values(params, first), before);
    params.dispose();
  });
});
