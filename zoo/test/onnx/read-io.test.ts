import assert from 'node:assert/strict';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { OnnxFormatError, readOnnxIo } from '../../src/onnx/read-io.ts';
import { encodeTinyModel } from './tiny-model.ts';

describe('readOnnxIo', () => {
  it('reads names, dtypes, fixed and symbolic dims and the opset of a model onnxruntime accepts', async () => {
    const bytes = encodeTinyModel({
      first: { name: 'image', shape: ['batch', 3, 8, 8] },
      second: { name: 'bias', shape: [1, 3, 8, 8] },
      output: { name: 'sum', shape: ['batch', 3, 8, 8] },
      opset: 13,
    });
    assert.deepEqual(readOnnxIo(bytes, 'tiny.onnx'), {
      opset: 13,
      inputs: [
        { name: 'image', dtype: 'float32', shape: ['batch', 3, 8, 8] },
        { name: 'bias', dtype: 'float32', shape: [1, 3, 8, 8] },
      ],
      outputs: [{ name: 'sum', dtype: 'float32', shape: ['batch', 3, 8, 8] }],
    });
    const session = await InferenceSession.create(bytes);
    const ones = new Tensor('float32', new Float32Array(2 * 3 * 64).fill(1), [2, 3, 8, 8]);
    const bias = new Tensor('float32', new Float32Array(3 * 64).fill(0.5), [1, 3, 8, 8]);
    const out = await session.run({ image: ones, bias });
    assert.deepEqual(session.inputNames, ['image', 'bias']);
    assert.equal((out.sum.data as Float32Array)[0], 1.5);
  });

  it('tells a zero-sized dimension from an unnamed, unsized one and keeps a missing shape as null', () => {
    const bytes = encodeTinyModel({
      dtype: 'int64',
      first: { name: 'tokens', shape: [0, null, 'n'] },
      output: { name: 'same', shape: null },
    });
    const io = readOnnxIo(bytes, 'dims.onnx');
    assert.deepEqual(io.inputs, [{ name: 'tokens', dtype: 'int64', shape: [0, null, 'n'] }]);
    assert.deepEqual(io.outputs, [{ name: 'same', dtype: 'int64', shape: null }]);
  });

  it('leaves out initializers that an old exporter also listed as graph inputs', () => {
    const io = readOnnxIo(encodeTinyModel({ initializerAsInput: 'weight' }), 'old.onnx');
    assert.deepEqual(
      io.inputs.map((t) => t.name),
      ['x'],
    );
  });

  it('names the source when the bytes are not an ONNX model', () => {
    assert.throws(
      () =>
        readOnnxIo(
          new TextEncoder().encode('PK\u0003\u0004 this is a zip, not protobuf'),
          'weights/model.onnx',
        ),
      (error: unknown) =>
        error instanceof OnnxFormatError &&
        /^weights\/model\.onnx: not a usable ONNX model/.test(error.message),
    );
    assert.throws(() => readOnnxIo(new Uint8Array(), 'empty.onnx'), /empty\.onnx: .*no graph/);
  });
});
