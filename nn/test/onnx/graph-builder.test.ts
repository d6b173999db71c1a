import assert from 'node:assert/strict';
import onnxProto from 'onnx-proto';
import { attr, checkModel, initBackend, OnnxCheckError, OnnxGraphBuilder, tf } from '../../src/index.ts';
import { assertClose, floatFeed, runOnnx } from './run-onnx.ts';

const { onnx } = onnxProto;

function smallGraph(): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder({ name: 'affine' });
  const x = g.input('x', 'float32', ['batch', 4]);
  const w = g.initializer('w', tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]));
  const b = g.initializer('b', [0.5, -0.5], 'float32', [2]);
  g.output(g.op('Add', [g.op('MatMul', [x, w]), b]), 'float32', ['batch', 2], 'y');
  return g;
}

describe('OnnxGraphBuilder', () => {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('writes a ModelProto that parses back through onnx-proto with IR 8, opset 17 and producer mim4d', () => {
    const model = onnx.ModelProto.decode(
      smallGraph().toBytes({ producerVersion: '0.1.0', metadata: { card: 'c1' } }),
    );
    assert.equal(Number(model.irVersion), 8);
    assert.deepEqual(
      model.opsetImport.map((o) => [o.domain, Number(o.version)]),
      [['', 17]],
    );
    assert.equal(model.producerName, 'mim4d');
    assert.equal(model.producerVersion, '0.1.0');
    assert.deepEqual(
      model.metadataProps.map((p) => [p.key, p.value]),
      [['card', 'c1']],
    );
    const graph = model.graph as onnxProto.onnx.GraphProto;
    assert.equal(graph.name, 'affine');
    assert.deepEqual(
      graph.input[0].type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue)),
      ['batch', 4],
    );
    assert.deepEqual(
      graph.initializer.map((i) => [i.name, (i.dims ?? []).map(Number), i.rawData?.length]),
      [
        ['w', [4, 2], 32],
        ['b', [2], 8],
      ],
    );
    assert.deepEqual(
      graph.node.map((n) => n.opType),
      ['MatMul', 'Add', 'Identity'],
    );
    assert.equal(graph.output[0].name, 'y');
    assert.deepEqual(checkModel(model), []);
  });

  it('runs in onnxruntime with a symbolic batch bound at run time', async () => {
    const x = tf.tensor2d([1, 0, 0, 1, 0, 1, 1, 0, 2, 2, 2, 2], [3, 4]);
    const { y } = await runOnnx(smallGraph(), { x: floatFeed(x) });
    assertClose(
      y,
      tf.add(tf.matMul(x, tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2])), tf.tensor1d([0.5, -0.5])),
      'y',
    );
  });

  it('refuses a name used twice and an initializer whose values do not fill its dims', () => {
    const g = new OnnxGraphBuilder({ name: 'dup' });
    g.input('x', 'float32', [2]);
    assert.throws(() => g.input('x', 'float32', [2]), /ONNX graph "dup", input: name "x" is already used/);
    assert.throws(
      () => g.initializer('w', [1, 2, 3], 'float32', [2, 2]),
      /3 values do not fill dims \[2, 2\]/,
    );
    assert.throws(
      () => g.initializer('i', [1.5], 'int64', [1]),
      /value 0 is 1.5, not an integer for dtype int64/,
    );
  });

  it('lists every structural problem at once, naming the node', () => {
    const g = new OnnxGraphBuilder({ name: 'broken', opset: 16 });
    const x = g.input('x', 'float32', [2, 3]);
    const ghost = { name: 'not_defined_yet' };
    g.op('Add', [x, ghost]);
    g.op('Softmax', [x], { axis: attr.float(1) });
    g.op('Cast', [x]);
    g.op('LayerNormalization', [x, x]);
    const last = g.op('Concat', [x, x], { axis: attr.int(0) });
    g.output(last, 'float32', [4, 3]);
    assert.throws(
      () => g.toModel(),
      (error: unknown) => {
        assert.ok(error instanceof OnnxCheckError);
        assert.deepEqual(error.problems, [
          'node 0 (Add "Add_0") reads "not_defined_yet" before anything defines it',
          'node 1 (Softmax "Softmax_1"): attribute "axis" must be int',
          'node 2 (Cast "Cast_2"): missing required attribute "to"',
          'node 3 (LayerNormalization "LayerNormalization_3"): needs opset 17 or later, model imports 16',
        ]);
        return true;
      },
    );
  });

  it('checks decoded models too: an initializer cut short and a graph output nobody computes', () => {
    const model = onnx.ModelProto.decode(smallGraph().toBytes());
    const graph = model.graph as onnxProto.onnx.GraphProto;
    graph.initializer[0].rawData = (graph.initializer[0].rawData as Uint8Array).slice(0, 12);
    graph.output[0].name = 'z';
    assert.deepEqual(checkModel(model), [
      'initializer "w" holds 12 bytes, but dims [4,2] of float32 need 32',
      'graph output "z" is never computed',
    ]);
  });
});
