import assert from 'node:assert/strict';
import { EvalBoxesBuilder, type StoredBox } from '../../src/detection/data-classes.ts';

function stored(i: number): StoredBox {
  return {
    centerX: i,
    centerY: i + 0.25,
    centerZ: -i,
    width: 1 + i,
    length: 2 + i,
    height: 3 + i,
    yaw: i / 10,
    velocityX: i % 3 === 0 ? Number.NaN : i,
    velocityY: -i,
    score: i / 100,
    classCode: i % 10,
    attributeCode: i % 9,
    numPts: i % 4 === 0 ? -1 : i,
    sourceIndex: i,
  };
}

describe('EvalBoxesBuilder', () => {
  for (const total of [0, 1, 3, 4, 5, 11]) {
    it(`keeps ${total} boxes and their samples in order across blocks of 4`, () => {
      const builder = new EvalBoxesBuilder(4);
      const offsets = [0];
      const tokens: string[] = [];
      let pushed = 0;
      for (let s = 0; pushed < total || s === 0; s++) {
        // Samples of 0, 1, 2, ... boxes, so sample ends fall inside and on block edges.
        for (let k = 0; k < s && pushed < total; k++) builder.push(stored(pushed++));
        builder.endSample(`s${s}`);
        tokens.push(`s${s}`);
        offsets.push(pushed);
      }
      const built = builder.build();
      assert.deepEqual(built.sampleTokens, tokens);
      assert.deepEqual([...built.sampleOffsets], offsets);
      assert.equal(built.boxes.count, total);
      for (let i = 0; i < total; i++) {
        const want = stored(i);
        assert.equal(built.boxes.centerY[i], want.centerY);
        assert.equal(built.boxes.velocityX[i], want.velocityX);
        assert.equal(built.boxes.score[i], want.score);
        assert.equal(built.boxes.classCode[i], want.classCode);
        assert.equal(built.boxes.attributeCode[i], want.attributeCode);
        assert.equal(built.boxes.numPts[i], want.numPts);
        assert.equal(built.boxes.sourceIndex[i], want.sourceIndex);
      }
      assert.equal(built.boxes.centerX.length, total);
      assert.equal(built.boxes.sourceIndex.length, total);
    });
  }

  it('refuses to be used again after build', () => {
    const builder = new EvalBoxesBuilder(2);
    builder.push(stored(0));
    builder.endSample('a');
    builder.build();
    assert.throws(() => builder.push(stored(1)), /after build/);
    assert.throws(() => builder.build(), /already called/);
  });
});
