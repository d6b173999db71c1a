import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeSafetensors } from '@mim4d/nn';
import { BACKBONE_MODULES, loadCheckpoint } from '@mim4d/pretrain';
import { resolveBackbone } from '../../src/index.ts';
import { type MicroRun, microRun } from './micro-run.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('resolveBackbone', () => {
  let run: MicroRun;
  before(async () => {
    run = await microRun();
  });
  after(() => run.remove());

  it('none: random initialisation, no tensors and no config', async () => {
    const none = await resolveBackbone('none');
    assert.deepEqual(
      { kind: none.kind, config: none.config, tensors: none.tensors.size },
      { kind: 'none', config: null, tensors: 0 },
    );
  });

  it('a pretraining run: the checkpoint tensors of the transferring modules, and its config', async () => {
    const backbone = await resolveBackbone(run.runDir);
    const ckpt = loadCheckpoint(run.runDir);
    const kept = [...ckpt.params.keys()].filter((n) => BACKBONE_MODULES.some((m) => n.startsWith(`${m}.`)));
    assert.equal(backbone.kind, 'run');
    assert.deepEqual([...backbone.tensors.keys()], kept);
    assert.ok(
      kept.length > 0 && kept.length < ckpt.params.size,
      'render_conv, decoder and field stay behind',
    );
    for (const name of kept) assert.deepEqual(backbone.tensors.get(name), ckpt.params.get(name), name);
    assert.deepEqual(backbone.config, run.config);
    assert.equal(backbone.sha256, sha256(readFileSync(path.join(run.runDir, 'checkpoint', 'weights.bin'))));
    assert.match(backbone.description, /pretraining run .*run \(step 2, config micro\)/);
  });

  it('an export folder and its .safetensors file: the exported tensors, config from the metadata', async () => {
    const file = path.join(run.exportDir, 'backbone.safetensors');
    const fromFolder = await resolveBackbone(run.exportDir);
    const fromFile = await resolveBackbone(file);
    assert.equal(fromFolder.kind, 'export');
    assert.equal(fromFile.kind, 'file');
    const ckpt = loadCheckpoint(run.runDir);
    for (const b of [fromFolder, fromFile]) {
      assert.deepEqual(b.config, run.config);
      assert.equal(b.sha256, sha256(readFileSync(file)));
      assert.ok(b.tensors.has('render_conv.bn.running_mean'), 'the export keeps render_conv');
      for (const [name, t] of b.tensors) assert.deepEqual(t, ckpt.params.get(name), name);
    }
    assert.match(fromFolder.description, /^export .*backbone\.safetensors \(step 2, config micro\)$/);
  });

  it('takes a local path over a zoo model of the same spelling', async () => {
    const cwd = process.cwd();
    cpSync(run.exportDir, path.join(run.root, 'acme', 'backbone'), { recursive: true });
    process.chdir(run.root);
    try {
      // Offline with an empty cache: had it asked the zoo, it would have failed.
      const options = { zoo: { offline: true, cacheDir: path.join(run.root, 'empty-cache') } };
      const local = await resolveBackbone('acme/backbone', options);
      assert.equal(local.kind, 'export');
      await assert.rejects(resolveBackbone('acme/other', options), /backbone acme\/other .*offline/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('names the reference when it is neither a local path nor a zoo model', async () => {
    await assert.rejects(
      resolveBackbone(path.join(run.root, 'no', 'such', 'run')),
      /^Error: backbone \/.*no\/such\/run: no such file or folder, and not a zoo model either/,
    );
  });

  it('refuses a folder without weights and a file that is not .safetensors', async () => {
    const empty = path.join(run.root, 'empty');
    mkdirSync(empty);
    await assert.rejects(
      resolveBackbone(empty),
      /backbone .*empty: a folder without backbone weights \(neither checkpoint\/checkpoint\.json .* nor backbone\.safetensors/,
    );
    await assert.rejects(
      resolveBackbone(path.join(run.exportDir, 'card.json')),
      /backbone .*card\.json: a file that is not \.safetensors/,
    );
  });

  it('refuses weights whose metadata has no valid config, naming the file and field', async () => {
    const tensors = [{ name: 'img_backbone.stem.weight', shape: [1], data: Float32Array.of(1) }];
    const write = (name: string, metadata?: Record<string, string>) => {
      const file = path.join(run.root, name);
      writeFileSync(file, writeSafetensors(tensors, metadata));
      return file;
    };
    await assert.rejects(
      resolveBackbone(write('bare.safetensors')),
      /bare\.safetensors: metadata has no config, so the backbone architecture is unknown/,
    );
    await assert.rejects(
      resolveBackbone(write('bad-json.safetensors', { config: '{"name": ' })),
      /bad-json\.safetensors: metadata config is not valid JSON/,
    );
    const broken = { ...run.config, grid: { ...run.config.grid, voxelSize: [1.6, 1.6] } };
    await assert.rejects(
      resolveBackbone(write('bad-grid.safetensors', { config: JSON.stringify(broken) })),
      /bad-grid\.safetensors metadata config: grid needs 6 range and 3 size values/,
    );
    await assert.rejects(
      resolveBackbone(
        write('other.safetensors', { format: 'sd-unet/2', config: JSON.stringify(run.config) }),
      ),
      /other\.safetensors: metadata format is "sd-unet\/2", expected mim4d-backbone\/1/,
    );
  });
});
