import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkBackboneFits, resolveBackbone, transferWeights } from '@mim4d/finetune';
import { initBackend } from '@mim4d/nn';
import { validateCard } from '@mim4d/zoo';
import * as ort from 'onnxruntime-node';
import { loadDetectionConfig } from '../src/config.ts';
import { UvtrDetector } from '../src/model/detector.ts';

const SHIPPED = path.resolve(import.meta.dirname, '../../../models/mim4d-micro-synth');

describe('the MIM4D backbone shipped in models/', () => {
  before(async () => {
    await initBackend();
  });

  it('fits the micro detection config and transfers every backbone tensor, leaving only render_conv behind', async () => {
    const backbone = await resolveBackbone(SHIPPED);
    assert.equal(backbone.kind, 'export');
    const config = loadDetectionConfig('micro');
    checkBackboneFits(backbone.config!, config.backbone, backbone.description);
    const model = new UvtrDetector(config);
    try {
      const report = transferWeights(model.params, backbone);
      const backboneParams = model.params.names().filter((n) => model.isBackboneParam(n));
      assert.deepEqual([...report.transferred].sort(), backboneParams.sort());
      assert.ok(report.discarded.length > 0 && report.discarded.every((n) => n.startsWith('render_conv.')));
    } finally {
      model.dispose();
    }
  });

  it('has a valid card whose ONNX graph declares exactly what the card says', async () => {
    const card = JSON.parse(readFileSync(path.join(SHIPPED, 'card.json'), 'utf8'));
    const validation = validateCard(card);
    assert.ok(validation.ok, JSON.stringify(validation));
    const onnx = card.artifacts.find((a: { format: string }) => a.format === 'onnx');
    const session = await ort.InferenceSession.create(readFileSync(path.join(SHIPPED, onnx.path)));
    const spec = (m: ort.InferenceSession.ValueMetadata) =>
      m.isTensor ? { name: m.name, dtype: m.type, shape: [...m.shape] } : { name: m.name };
    assert.deepEqual(onnx.io.inputs, session.inputMetadata.map(spec));
    assert.deepEqual(onnx.io.outputs, session.outputMetadata.map(spec));
  });
});
