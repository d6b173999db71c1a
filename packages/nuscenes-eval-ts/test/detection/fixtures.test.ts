import { readFileSync } from 'node:fs';
import {
  DETECTION_CVPR_2019,
  evalBoxesFromObject,
  evaluateDetection,
  serializeMetricData,
} from '../../src/index.ts';
import { assertClose } from './parity-helpers.ts';

interface Case {
  seed: number;
  gt: Record<string, unknown[]>;
  pred: Record<string, unknown[]>;
  expected: Record<string, unknown>;
  'metric_data_car_2.0': Record<string, unknown>;
}

const fixtureFiles = [
  new URL('../fixtures/nuscenes_detection.json', import.meta.url),
  new URL('./fixtures/devkit_random_cases.json', import.meta.url),
];

for (const file of fixtureFiles) {
  const fixture = JSON.parse(readFileSync(file, 'utf8')) as { config: unknown; cases: Case[] };
  const name = file.pathname.split('/').slice(-2).join('/');

  describe(`detection parity with the devkit: ${name}`, () => {
    it('uses the detection_cvpr_2019 configuration', () => {
      assertClose(fixture.config, { ...DETECTION_CVPR_2019 }, 0);
    });

    for (const c of fixture.cases) {
      it(`case seed ${c.seed}: every metric and the car 2.0 m curves within 1e-9`, () => {
        const gt = evalBoxesFromObject(c.gt, 'gt');
        const pred = evalBoxesFromObject(c.pred, 'pred');
        const { summary, metricData } = evaluateDetection(gt, pred);
        const { eval_time: _time, cfg: _cfg, ...metrics } = summary;
        assertClose(metrics, c.expected, 1e-9);
        assertClose(serializeMetricData(metricData.get('car:2.0')!), c['metric_data_car_2.0'], 1e-9);
      });
    }
  });
}
