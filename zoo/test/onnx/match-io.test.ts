import assert from 'node:assert/strict';
import { matchIo } from '../../src/onnx/match-io.ts';
import type { OnnxIo } from '../../src/onnx/tensor-spec.ts';

const model: OnnxIo = {
  opset: 17,
  inputs: [
    { name: 'imgs', dtype: 'float32', shape: ['B', 6, 3, 64, 176] },
    { name: 'cam2ego', dtype: 'float32', shape: ['B', 6, 4, 4] },
  ],
  outputs: [{ name: 'bev', dtype: 'float32', shape: ['B', 64, 50, 50] }],
};

describe('matchIo', () => {
  it('accepts a card that states the graph exactly', () => {
    assert.deepEqual(matchIo({ opset: 17, inputs: model.inputs, outputs: model.outputs }, model), []);
  });

  it('reports a renamed, reordered or missing tensor', () => {
    const problems = matchIo({ inputs: [model.inputs[1], model.inputs[0]], outputs: model.outputs }, model);
    assert.deepEqual(problems, [
      'inputs: the card declares [cam2ego, imgs] but the model has [imgs, cam2ego]',
    ]);
    const missing = matchIo(
      { inputs: model.inputs, outputs: [{ ...model.outputs[0], name: 'bev_feat' }] },
      model,
    );
    assert.deepEqual(missing, ['outputs: the card declares [bev_feat] but the model has [bev]']);
  });

  it('reports a wrong dtype, rank, size, symbol and opset, each on its own line', () => {
    const problems = matchIo(
      {
        opset: 13,
        inputs: [
          { name: 'imgs', dtype: 'float16', shape: ['B', 6, 3, 64, 176] },
          { name: 'cam2ego', dtype: 'float32', shape: ['batch', 6, 4, 4] },
        ],
        outputs: [{ name: 'bev', dtype: 'float32', shape: ['B', 64, 50] }],
      },
      model,
    );
    assert.deepEqual(problems, [
      'input "imgs": dtype float16 in the card, float32 in the model',
      'input "cam2ego": shape ["batch", 6, 4, 4] in the card, ["B", 6, 4, 4] in the model',
      'output "bev": shape ["B", 64, 50] in the card, ["B", 64, 50, 50] in the model',
      'opset 13 in the card, 17 in the model',
    ]);
  });
});
