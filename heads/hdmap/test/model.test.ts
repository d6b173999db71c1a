import assert from 'node:assert/strict';
import { initBackend, ParamStore, tf } from '@mim4d/nn';
import { loadHdMapConfig } from '../src/config.ts';
import { MapTrDeformableAttention } from '../src/model/deformable-attention.ts';
import { HdMapModel } from '../src/model/hdmap-model.ts';

describe('MapTR model', () => {
  before(async () => {
    await initBackend();
  });

  it('reads the BEV at the reference: x along the rows i, y along the columns j, cell centres at (k + ½) / n', () => {
    const params = new ParamStore(0);
    const attention = new MapTrDeformableAttention(params.scope('a'), 2, 1, 1);
    const identity = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    for (const lin of [attention.valueProj, attention.outProj]) {
      lin.weight.assign(identity);
      lin.bias!.assign(tf.zeros([2]));
    }
    // No offset: the single point samples at the reference itself.
    attention.offsets.bias!.assign(tf.zeros([2]));
    const [cellsX, cellsY] = [4, 7];
    const table = tf.tensor2d(
      Array.from({ length: cellsX * cellsY }, (_, r) => [Math.floor(r / cellsY), r % cellsY]).flat(),
      [cellsX * cellsY, 2],
    );
    const ref = tf.tensor2d(
      [(2 + 0.5) / cellsX, (5 + 0.5) / cellsY, (1 + 0.75) / cellsX, (3 + 0.5) / cellsY],
      [2, 2],
    );
    const zeros = tf.zeros([2, 2]) as tf.Tensor2D;
    const out = attention.apply(zeros, zeros, ref, { table, cellsX, cellsY }, 0, null).arraySync();
    assert.deepEqual(out[0], [2, 5]);
    // A quarter cell past the centre of row 1 reads a quarter of the way to row 2.
    assert.ok(Math.abs(out[1][0] - 1.25) < 1e-6 && Math.abs(out[1][1] - 3) < 1e-6, `${out[1]}`);
    params.dispose();
  });

  it('gives every layer V x 3 logits and V x P points inside the patch, the first references from query_pos', () => {
    const config = loadHdMapConfig('micro');
    const model = new HdMapModel(config);
    const { vectors: V, points: P, dims: d } = config.head;
    assert.deepEqual([model.cells.cellsX, model.cells.cellsY], [10, 10]);
    const bev = {
      table: tf.randomNormal([100, d], 0, 1, 'float32', 3) as tf.Tensor2D,
      cellsX: 10,
      cellsY: 10,
    };
    const outputs = model.head.decode(bev, null);
    assert.equal(outputs.length, config.head.layers);
    for (const o of outputs) {
      assert.deepEqual(o.logits.shape, [V, 3]);
      assert.deepEqual(o.pts.shape, [V, P, 2]);
      const pts = o.pts.dataSync();
      assert.ok(pts.every((v) => v >= 0 && v <= 1));
    }
    // Instance v's P queries share its embedding and differ by the point embeddings.
    const { queryPos } = model.head.queries();
    const rows = queryPos.arraySync() as number[][];
    const inst = model.head.instanceEmbedding.arraySync() as number[][];
    const point = model.head.ptsEmbedding.arraySync() as number[][];
    assert.ok(Math.abs(rows[3 * P + 5][0] - (inst[3][0] + point[5][0])) < 1e-6);
    model.dispose();
  });
});
