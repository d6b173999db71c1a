import assert from 'node:assert/strict';
import { validateCard } from '../../src/card/validate-card.ts';
import { exampleCard, exampleDetectorCard } from './example-card.ts';

function errorsOf(value: unknown) {
  const result = validateCard(value);
  assert.equal(result.ok, false, 'the card should have been rejected');
  return result.ok ? [] : result.errors;
}

describe('validateCard', () => {
  it('accepts a complete card and hands it back typed', () => {
    const result = validateCard(exampleCard());
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.card.artifacts[0].io?.inputs[0].name, 'x');
  });

  it('reports every missing field at once, by JSON Pointer', () => {
    const { training: _t, license: _l, ...card } = exampleCard();
    assert.deepEqual(
      errorsOf(card).map((e) => e.path),
      ['/license', '/training'],
    );
  });

  it('requires an I/O contract for every ONNX artifact', () => {
    const card = exampleCard();
    delete card.artifacts[0].io;
    assert.deepEqual(errorsOf(card), [
      { path: '/artifacts/0/io', message: "must have required property 'io'" },
    ]);
  });

  it('rejects unknown dtypes, negative dims, unknown fields and unversioned benchmarks', () => {
    const card = exampleCard();
    const io = card.artifacts[0].io;
    assert.ok(io);
    Object.assign(io.inputs[0], { dtype: 'float' });
    io.outputs[0].shape = ['batch', -3];
    card.results[0].benchmark = 'nuscenes-detection';
    Object.assign(card, { weights: 'http://example.com/w.pth' });
    const paths = errorsOf(card).map((e) => e.path);
    assert.ok(paths.includes('/artifacts/0/io/inputs/0/dtype'), paths.join());
    assert.ok(paths.includes('/artifacts/0/io/outputs/0/shape'), paths.join());
    assert.ok(paths.includes('/results/0/benchmark'), paths.join());
    const extra = errorsOf(card).find((e) => e.path === '/');
    assert.match(extra?.message ?? '', /unexpected property "weights"/);
  });

  it('requires the toolkit, data converter and coordinate convention behind every result', () => {
    const card = exampleCard();
    const { coordConvention: _dropped, ...provenance } = card.results[0].provenance;
    Object.assign(card.results[0], { provenance });
    assert.deepEqual(
      errorsOf(card).map((e) => e.path),
      ['/results/0/provenance/coordConvention'],
    );
  });

  it('rejects two artifacts with the same path', () => {
    const card = exampleCard();
    card.artifacts[1].path = 'backbone.onnx';
    card.artifacts[1].format = 'other';
    assert.deepEqual(errorsOf(card), [
      { path: '/artifacts/1/path', message: 'duplicate artifact path "backbone.onnx"' },
    ]);
  });

  it('rejects values that are not objects', () => {
    assert.deepEqual(errorsOf(null), [{ path: '/', message: 'must be object' }]);
    assert.deepEqual(errorsOf([exampleCard()]), [{ path: '/', message: 'must be object' }]);
  });

  it('accepts a detector card with its task, class order and decoding', () => {
    const result = validateCard(exampleDetectorCard());
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.card.task, 'detection');
    assert.equal(result.card.labels?.[2], 'construction_vehicle');
    assert.equal(result.card.postprocessing?.detection?.topK, 300);
  });

  it('rejects an unknown task, repeated labels, a top-k of 0 and a range that is not positive', () => {
    const card = exampleDetectorCard();
    Object.assign(card, { task: 'tracking' });
    card.labels?.push('car');
    const detection = card.postprocessing?.detection;
    assert.ok(detection);
    detection.topK = 0;
    detection.classRangeM.car = 0;
    const paths = errorsOf(card).map((e) => e.path);
    assert.deepEqual(paths.sort(), [
      '/labels',
      '/postprocessing/detection/classRangeM/car',
      '/postprocessing/detection/topK',
      '/task',
    ]);
  });

  it('requires labels for detection decoding, and a range for each label and only for labels', () => {
    const noLabels = exampleDetectorCard();
    delete noLabels.labels;
    assert.deepEqual(errorsOf(noLabels), [
      { path: '/labels', message: 'required by postprocessing.detection: the class order of the outputs' },
    ]);
    const card = exampleDetectorCard();
    const ranges = card.postprocessing?.detection?.classRangeM;
    assert.ok(ranges);
    delete ranges.bicycle;
    ranges['traffic/light'] = 10;
    assert.deepEqual(errorsOf(card), [
      { path: '/postprocessing/detection/classRangeM', message: 'no range for label "bicycle"' },
      {
        path: '/postprocessing/detection/classRangeM/traffic~1light',
        message: '"traffic/light" is not one of the card\'s labels',
      },
    ]);
  });
});
