/**
 * Benchmark of `mim4d-eval detection` on a validation-sized case: 6019 samples, 10 classes, up to 500
 * predictions per sample (random-case.ts, seeded), GT in evaluation form, written to /tmp. Prints wall time
 * and peak RSS. With REF_DEVKIT=<nuscenes-devkit python-sdk> (plus PYQUATERNION=<folder holding the
 * pyquaternion package> and, if cv2/sklearn are not installed, PY_STUBS=<folder with empty cv2 and sklearn
 * packages>), runs the reference devkit on the same files, prints its time, the speed-up and whether mAP and
 * NDS agree.
 *
 *   npx tsx bench/eval-detection.ts [--samples 6019] [--min-boxes 200] [--max-boxes 500] [--seed 1] [--load-workers 2]
 *   REF_DEVKIT=/tmp/ref/python-sdk PYQUATERNION=/tmp/ref PY_STUBS=/tmp/stubs npx tsx bench/eval-detection.ts
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  RandomSampleGenerator,
  sampleToken,
} from '../packages/nuscenes-eval-ts/test/detection/random-case.ts';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SAMPLES = argValue('--samples', 6019);
const MIN_BOXES = argValue('--min-boxes', 200);
const MAX_BOXES = argValue('--max-boxes', 500);
const SEED = argValue('--seed', 1);
/** Passed to mim4d-eval; by default its own default. */
const LOAD_WORKERS = args.includes('--load-workers')
  ? ['--load-workers', String(argValue('--load-workers', 2))]
  : [];
const MAX_GT = 60;

const root = new URL('..', import.meta.url).pathname;
const work = join('/tmp', `mim4d-bench-detection-v2-${SAMPLES}-${MIN_BOXES}-${MAX_BOXES}-${SEED}`);
const gtPath = join(work, 'gt.json');
const resultsPath = join(work, 'results.json');

/**
 * Writes both files sample by sample, so the generator never holds the whole case. Unknown velocities are
 * written as bare NaN, as Python's json module writes them in real submissions.
 */
function writeCase(): { gtBoxes: number; predBoxes: number } {
  const generator = new RandomSampleGenerator(SEED);
  const gt = openSync(gtPath, 'w');
  const results = openSync(resultsPath, 'w');
  writeSync(gt, '{');
  writeSync(
    results,
    '{"meta":{"use_camera":true,"use_lidar":false,"use_radar":false,"use_map":false,"use_external":false},"results":{',
  );
  let gtBoxes = 0;
  let predBoxes = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const token = sampleToken(SEED, i);
    const boxes = generator.sample(token, { maxGt: MAX_GT, minPred: MIN_BOXES, maxPred: MAX_BOXES });
    const sep = i === 0 ? '' : ',';
    writeSync(gt, `${sep}${JSON.stringify(token)}:${JSON.stringify(boxes.gt).replaceAll('null', 'NaN')}`);
    writeSync(
      results,
      `${sep}${JSON.stringify(token)}:${JSON.stringify(boxes.pred).replaceAll('null', 'NaN')}`,
    );
    gtBoxes += boxes.gt.length;
    predBoxes += boxes.pred.length;
  }
  writeSync(gt, '}');
  writeSync(results, '}}');
  closeSync(gt);
  closeSync(results);
  return { gtBoxes, predBoxes };
}

interface Measured {
  wallS: number;
  /** User + system CPU seconds: the fairer figure when other work shares the machine. */
  cpuS: number;
  peakRssMb: number;
  stdout: string;
}

/** Runs a command under GNU time for its peak RSS and CPU time; wall time from here. */
function measure(
  command: string,
  commandArgs: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M CPU_S=%U+%S', command, ...commandArgs], {
      env,
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallS = (performance.now() - start) / 1000;
      if (code !== 0)
        return reject(new Error(`${command} ${commandArgs.join(' ')} exited ${code}:\n${stderr}`));
      const usage = /PEAK_RSS_KB=(\d+) CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr);
      if (!usage) return reject(new Error(`no resource usage from /usr/bin/time in: ${stderr.slice(-300)}`));
      resolve({
        wallS,
        cpuS: Number(usage[2]) + Number(usage[3]),
        peakRssMb: Number(usage[1]) / 1024,
        stdout,
      });
    });
  });
}

const mb = (path: string) => (statSync(path).size / 1e6).toFixed(0);

mkdirSync(work, { recursive: true });
if (!existsSync(resultsPath) || !existsSync(gtPath)) {
  const t0 = performance.now();
  const { gtBoxes, predBoxes } = writeCase();
  console.log(
    `wrote ${SAMPLES} samples: ${predBoxes} predictions (${mb(resultsPath)} MB), ${gtBoxes} GT boxes (${mb(gtPath)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
} else {
  console.log(`reusing ${work} (results ${mb(resultsPath)} MB, gt ${mb(gtPath)} MB)`);
}

// The machine may be shared: wall times mean little without the load they were taken under.
const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
// The command runs its sources through tsx (about 1 s more) when any input of its bundle changed since the last
// `npm run build`: in a checkout being edited, say which one this measures.
const { chooseEntry } = await import('../packages/compiled-bins/launch.js');
const entry = chooseEntry(
  new URL('../eval/bin/mim4d-eval.js', import.meta.url),
  'mim4d-eval',
  './src/cli/main.ts',
);
console.log(
  entry.kind === 'bundle'
    ? 'mim4d-eval runs from its bundle'
    : 'mim4d-eval runs from its TypeScript sources: a bundle input changed since `npm run build`',
);
console.log(`load average before: ${loadAverage()}`);
const ours = await measure(process.execPath, [
  join(root, 'eval/bin/mim4d-eval.js'),
  'detection',
  '--gt',
  gtPath,
  '--results',
  resultsPath,
  '--output-dir',
  join(work, 'ours'),
  '--json',
  ...LOAD_WORKERS,
]);
const oursSummary = JSON.parse(ours.stdout) as { mean_ap: number; nd_score: number; eval_time: number };
console.log(`load average after:  ${loadAverage()}`);
console.log(
  `mim4d-eval detection: ${ours.wallS.toFixed(1)} s wall, ${ours.cpuS.toFixed(1)} s CPU (accumulate + metrics ${oursSummary.eval_time.toFixed(1)} s), peak RSS ${ours.peakRssMb.toFixed(0)} MB, mAP ${oursSummary.mean_ap}, NDS ${oursSummary.nd_score}`,
);

const devkit = process.env.REF_DEVKIT;
if (!devkit) {
  console.log('set REF_DEVKIT to run the reference devkit side by side');
} else {
  const pythonPath = [devkit, process.env.PYQUATERNION, process.env.PY_STUBS].filter(Boolean).join(':');
  const ref = await measure(
    process.env.PYTHON ?? '/usr/bin/python3',
    [
      join(root, 'packages/nuscenes-eval-ts/test/detection/devkit-runner.py'),
      'files',
      gtPath,
      resultsPath,
      join(work, 'devkit'),
    ],
    { ...process.env, PYTHONPATH: pythonPath },
  );
  const refSummary = JSON.parse(readFileSync(join(work, 'devkit', 'metrics_summary.json'), 'utf8')) as {
    mean_ap: number;
    nd_score: number;
  };
  console.log(
    `nuscenes-devkit:      ${ref.wallS.toFixed(1)} s wall, ${ref.cpuS.toFixed(1)} s CPU, peak RSS ${ref.peakRssMb.toFixed(0)} MB, mAP ${refSummary.mean_ap}, NDS ${refSummary.nd_score}`,
  );
  console.log(
    `speed-up ${(ref.wallS / ours.wallS).toFixed(1)}x wall, ${(ref.cpuS / ours.cpuS).toFixed(1)}x CPU (goal >= 20x); memory ${(ref.peakRssMb / ours.peakRssMb).toFixed(1)}x less; |dmAP| ${Math.abs(refSummary.mean_ap - oursSummary.mean_ap).toExponential(1)}, |dNDS| ${Math.abs(refSummary.nd_score - oursSummary.nd_score).toExponential(1)}`,
  );
}
