/**
 * Regenerates fixtures/devkit_random_cases.json: random cases (random-case.ts) evaluated by the reference
 * devkit through devkit-runner.py. Not run by the tests; run it by hand when the generator changes:
 *
 *   REF_DEVKIT=/tmp/ref/python-sdk PYQUATERNION=/tmp/ref npx tsx \
 *     packages/nuscenes-eval-ts/test/detection/make-devkit-fixtures.ts
 *
 * REF_DEVKIT is the devkit's python-sdk folder, PYQUATERNION the folder holding the `pyquaternion` package,
 * PY_STUBS (optional) a folder with empty `cv2` and `sklearn` packages when those are not installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DETECTION_CVPR_2019 } from '../../src/index.ts';
import { randomCase } from './random-case.ts';

const SEEDS = Array.from({ length: 16 }, (_, i) => 1000 + i);

function caseShape(seed: number) {
  // Alternate small dense cases (many ties per sample) with wider sparse ones.
  return seed % 2 === 0 ? { samples: 6, maxGt: 25, maxPred: 40 } : { samples: 20, maxGt: 8, maxPred: 12 };
}

const devkit = process.env.REF_DEVKIT;
if (!devkit) throw new Error('set REF_DEVKIT to the devkit python-sdk folder');
const pythonPath = [devkit, process.env.PYQUATERNION, process.env.PY_STUBS].filter(Boolean).join(':');
const work = mkdtempSync(join(tmpdir(), 'devkit-cases-'));
const cases = SEEDS.map((seed) => {
  const { samples, ...shape } = caseShape(seed);
  return { seed, ...randomCase(seed, samples, shape) };
});
writeFileSync(join(work, 'in.json'), JSON.stringify(cases.map(({ gt, pred }) => ({ gt, pred }))));
execFileSync(
  process.env.PYTHON ?? '/usr/bin/python3',
  [
    new URL('./devkit-runner.py', import.meta.url).pathname,
    'cases',
    join(work, 'in.json'),
    join(work, 'out.json'),
  ],
  { env: { ...process.env, PYTHONPATH: pythonPath }, stdio: 'inherit' },
);
const outputs = JSON.parse(readFileSync(join(work, 'out.json'), 'utf8')) as object[];
const fixture = {
  note: 'Produced by make-devkit-fixtures.ts: random-case.ts inputs evaluated by nuscenes-devkit d9de17a (DetectionEval.evaluate() on the boxes as given, no filtering) via devkit-runner.py. NaN is written as null.',
  config: DETECTION_CVPR_2019,
  cases: cases.map((c, i) => ({ ...c, ...outputs[i] })),
};
const target = new URL('./fixtures/devkit_random_cases.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(fixture)}\n`);
console.log(`wrote ${cases.length} cases to ${target.pathname}`);
