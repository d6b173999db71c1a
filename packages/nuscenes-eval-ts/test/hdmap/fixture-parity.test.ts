import assert from 'node:assert/strict';
import { evaluateChamfer } from '../../src/index.ts';
import { readChamferCases, samplesOf } from './fixture-cases.ts';

function assertSameFloat32Metrics(got: Record<string, number>, expected: Record<string, number>): void {
  assert.deepEqual(Object.keys(got), Object.keys(expected), 'the same keys, in the reference order');
  for (const [key, value] of Object.entries(expected)) {
    const isFloat32 = Math.fround(value) === value;
    if (isFloat32)
      assert.ok(Math.fround(got[key]) === Math.fround(value), `${key}: ${got[key]} !== ${value}`);
    // Class means and mAP are float64 means of float32 APs: they must match to the last bit too.
    assert.ok(got[key] === value, `${key}: ${got[key]} !== ${value}`);
  }
}

describe('MapTR Chamfer AP: parity with the reference outputs', () => {
  for (const c of readChamferCases('../fixtures/maptr_chamfer.json')) {
    it(`reproduces every key of fixture case ${c.seed} exactly`, () => {
      assertSameFloat32Metrics(evaluateChamfer(samplesOf(c)).metrics, c.expected);
    });
  }
});

describe('MapTR Chamfer AP: parity on unseen random cases scored by the reference', () => {
  for (const c of readChamferCases('maptr_chamfer_unseen.json')) {
    it(`reproduces every key of case ${c.seed} (short, zero-length and end-to-end lines)`, () => {
      assertSameFloat32Metrics(evaluateChamfer(samplesOf(c)).metrics, c.expected);
    });
  }
});
