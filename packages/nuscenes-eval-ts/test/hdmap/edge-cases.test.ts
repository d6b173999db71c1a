import assert from 'node:assert/strict';
import { evaluateChamfer, lidarPolyline, type MapSample, type MapVectorPrediction } from '../../src/index.ts';

const line = (...xy: number[]) => lidarPolyline(Float64Array.from(xy));
const pred = (classId: number, score: number, ...xy: number[]): MapVectorPrediction => ({
  classId,
  score,
  pts: line(...xy),
});

function apAt(samples: MapSample[], cls: string, thr: string): number {
  return evaluateChamfer(samples).metrics[`NuscMap_chamfer/${cls}_AP_thr_${thr}`];
}

describe('MapTR Chamfer AP: protocol edge cases', () => {
  it('never matches a zero-length line: its buffer is empty, so the gate scores -100', () => {
    const sample: MapSample = {
      sampleToken: 's',
      groundTruth: [{ classId: 0, pts: line(1, 1, 1, 1) }],
      predictions: [pred(0, 0.9, 1, 1, 1, 1)],
    };
    assert.equal(apAt([sample], 'divider', '1.5'), 0);
  });

  it('gates the short end-to-end lines of the spec: chamfer 1.05 <= 1.5, yet no match', () => {
    const sample: MapSample = {
      sampleToken: 's',
      groundTruth: [{ classId: 0, pts: line(0, 0, 0.1, 0) }],
      predictions: [pred(0, 0.9, 1.1, 0, 1.2, 0)],
    };
    assert.equal(apAt([sample], 'divider', '1.5'), 0);
    // Side by side instead, the buffers overlap and the same distance matches.
    const sideBySide: MapSample = { ...sample, predictions: [pred(0, 0.9, 0, 1.05, 0.1, 1.05)] };
    assert.equal(apAt([sideBySide], 'divider', '1.5'), 1);
  });

  it('counts a chamfer distance exactly at the threshold as a match', () => {
    const sample: MapSample = {
      sampleToken: 's',
      groundTruth: [{ classId: 1, pts: line(0, 0, 10, 0) }],
      predictions: [pred(1, 0.9, 0, 0.5, 10, 0.5)],
    };
    const m = evaluateChamfer([sample]).metrics;
    assert.equal(m['NuscMap_chamfer/ped_crossing_AP_thr_0.5'], 1);
  });

  it('skips predictions of fewer than 2 points: neither TP nor FP', () => {
    const base: MapSample = {
      sampleToken: 's',
      groundTruth: [{ classId: 2, pts: line(0, 0, 10, 0) }],
      predictions: [pred(2, 0.5, 0, 0.1, 10, 0.1)],
    };
    const withDegenerate = {
      ...base,
      predictions: [...base.predictions, pred(2, 0.99, 3, 3), pred(2, 0.98)],
    };
    assert.deepEqual(evaluateChamfer([withDegenerate]).metrics, evaluateChamfer([base]).metrics);
  });

  it('does not fall back to a second GT when the best one is taken (unlike nuScenes detection)', () => {
    const sample: MapSample = {
      sampleToken: 's',
      groundTruth: [
        { classId: 0, pts: line(0, 0, 10, 0) },
        { classId: 0, pts: line(0, 1.2, 10, 1.2) },
      ],
      predictions: [pred(0, 0.9, 0, 0, 10, 0), pred(0, 0.8, 0, 0.5, 10, 0.5)],
    };
    // The second prediction is 0.7 m from the second GT but nearer to the first, which is covered: FP.
    const m = evaluateChamfer([sample]).metrics;
    assert.equal(m['NuscMap_chamfer/divider_AP_thr_1.0'], 0.5);
  });

  it('includes classes without GT in mAP with AP 0', () => {
    const sample: MapSample = {
      sampleToken: 's',
      groundTruth: [{ classId: 0, pts: line(0, 0, 10, 0) }],
      predictions: [pred(0, 0.9, 0, 0, 10, 0), pred(1, 0.9, 0, 0, 10, 0)],
    };
    const m = evaluateChamfer([sample]).metrics;
    assert.equal(m['NuscMap_chamfer/divider_AP'], 1);
    assert.equal(m['NuscMap_chamfer/ped_crossing_AP'], 0);
    assert.equal(m['NuscMap_chamfer/mAP'], 1 / 3);
  });

  it('rejects a GT vector of one point and a class id outside the classes, naming the sample', () => {
    const one: MapSample = {
      sampleToken: 'tok',
      groundTruth: [{ classId: 0, pts: line(0, 0) }],
      predictions: [],
    };
    assert.throws(() => evaluateChamfer([one]), /sample tok: GT vector 0 has 1 point/);
    const bad: MapSample = {
      sampleToken: 'tok',
      groundTruth: [{ classId: 3, pts: line(0, 0, 1, 1) }],
      predictions: [],
    };
    assert.throws(() => evaluateChamfer([bad]), /sample tok: vector type 3 is not a class id 0..2/);
  });
});
