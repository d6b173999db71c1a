/**
 * Benchmark of `mim4d-eval hdmap` on a validation-sized MapTR case (6019 samples, 50 predictions of 20
 * points each per sample, as MapTR's decoder emits), written to /tmp. Prints wall time and peak RSS;
 * with REF_MAPTR=<dir> holding run_ref.py (MapTR's map_utils with mmcv stand-ins, see the package
 * README), runs the reference on the same files and prints the ratio and whether the metrics agree.
 *
 *   npx tsx bench/eval-hdmap.ts [--samples 6019] [--seed 1]
 *   REF_MAPTR=/tmp/ref/maptr npx tsx bench/eval-hdmap.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const NUM_SAMPLES = argValue('--samples', 6019);
const SEED = argValue('--seed', 1);
const PREDICTIONS_PER_SAMPLE = 50;
const PRED_POINTS = 20;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pt = [number, number];

/** A wandering polyline inside MapTR's ±15 m x ±30 m patch. */
function randomLine(rand: () => number, vertices: number, stepM: number): Pt[] {
  let x = rand() * 30 - 15;
  let y = rand() * 60 - 30;
  let heading = rand() * 2 * Math.PI;
  const pts: Pt[] = [[x, y]];
  for (let i = 1; i < vertices; i++) {
    heading += (rand() - 0.5) * 0.6;
    x = Math.min(15, Math.max(-15, x + Math.cos(heading) * stepM));
    y = Math.min(30, Math.max(-30, y + Math.sin(heading) * stepM));
    pts.push([x, y]);
  }
  return pts;
}

/** `n` points along `line` at even arc length, jittered: a plausible prediction of it. */
function noisyCopy(rand: () => number, line: Pt[], n: number, noiseM: number): Pt[] {
  const cum = [0];
  for (let i = 1; i < line.length; i++) {
    cum.push(cum[i - 1] + Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1]));
  }
  const total = cum[cum.length - 1];
  const out: Pt[] = [];
  let s = 0;
  for (let k = 0; k < n; k++) {
    const d = (total * k) / (n - 1);
    while (s < line.length - 2 && cum[s + 1] < d) s++;
    const f = cum[s + 1] > cum[s] ? (d - cum[s]) / (cum[s + 1] - cum[s]) : 0;
    out.push([
      line[s][0] + f * (line[s + 1][0] - line[s][0]) + (rand() - 0.5) * 2 * noiseM,
      line[s][1] + f * (line[s + 1][1] - line[s][1]) + (rand() - 0.5) * 2 * noiseM,
    ]);
  }
  return out;
}

async function writeCase(dir: string): Promise<{ results: string; gt: string }> {
  mkdirSync(dir, { recursive: true });
  const rand = mulberry32(SEED);
  const resultsPath = join(dir, 'results.json');
  const gtPath = join(dir, 'gt.json');
  const results = createWriteStream(resultsPath);
  const gt = createWriteStream(gtPath);
  const write = async (stream: ReturnType<typeof createWriteStream>, text: string) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  await write(results, '{"meta": {"use_camera": true, "use_lidar": false}, "results": [');
  await write(gt, '{"GTs": [');
  for (let s = 0; s < NUM_SAMPLES; s++) {
    const token = s.toString(16).padStart(32, '0');
    const gtVectors: { pts: Pt[]; type: number }[] = [];
    for (let i = 0; i < 6; i++)
      gtVectors.push({ pts: randomLine(rand, 2 + Math.floor(rand() * 8), 3 + rand() * 5), type: 0 });
    for (let i = 0; i < 2; i++) gtVectors.push({ pts: randomLine(rand, 5, 2 + rand() * 3), type: 1 });
    for (let i = 0; i < 3; i++)
      gtVectors.push({ pts: randomLine(rand, 10 + Math.floor(rand() * 30), 1 + rand() * 2), type: 2 });
    const preds: { pts: Pt[]; type: number; confidence_level: number }[] = [];
    for (const g of gtVectors) {
      if (rand() < 0.8)
        preds.push({
          pts: noisyCopy(rand, g.pts, PRED_POINTS, 0.1 + rand()),
          type: g.type,
          confidence_level: 0.5 + rand() / 2,
        });
    }
    while (preds.length < PREDICTIONS_PER_SAMPLE) {
      const line = randomLine(rand, 4, 2 + rand() * 4);
      preds.push({
        pts: noisyCopy(rand, line, PRED_POINTS, 0),
        type: Math.floor(rand() * 3),
        confidence_level: rand() / 2,
      });
    }
    const sep = s === 0 ? '' : ', ';
    await write(results, `${sep}${JSON.stringify({ sample_token: token, vectors: preds })}`);
    await write(gt, `${sep}${JSON.stringify({ sample_token: token, vectors: gtVectors })}`);
  }
  await write(results, ']}\n');
  await write(gt, ']}\n');
  results.end();
  gt.end();
  await Promise.all([once(results, 'finish'), once(gt, 'finish')]);
  return { results: resultsPath, gt: gtPath };
}

/** Runs a command, sampling its peak resident set (VmHWM) from /proc until it exits. */
async function measure(
  cmd: string,
  argv: string[],
): Promise<{ wallS: number; peakRssMiB: number; stdout: string }> {
  const start = performance.now();
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  let peakKiB = 0;
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
    } catch {
      // the process has gone; the last sample stands
    }
  };
  const timer = setInterval(sample, 20);
  const [code] = (await once(child, 'exit')) as [number];
  clearInterval(timer);
  if (code !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited with ${code}`);
  return { wallS: (performance.now() - start) / 1000, peakRssMiB: peakKiB / 1024, stdout };
}

const dir = `/tmp/mim4d-bench-hdmap-${NUM_SAMPLES}-${SEED}`;
console.log(`writing ${NUM_SAMPLES} samples to ${dir} ...`);
const files = await writeCase(dir);
const bin = new URL('../eval/bin/mim4d-eval.js', import.meta.url).pathname;
const ours = await measure(process.execPath, [
  bin,
  'hdmap',
  '--results',
  files.results,
  '--gt',
  files.gt,
  '--output-dir',
  join(dir, 'out'),
  '--json',
]);
const metrics = JSON.parse(ours.stdout) as Record<string, number>;
console.log(
  `mim4d-eval hdmap: ${ours.wallS.toFixed(2)} s wall, peak RSS ${ours.peakRssMiB.toFixed(0)} MiB, mAP ${metrics['NuscMap_chamfer/mAP']}`,
);

const ref = process.env.REF_MAPTR;
if (ref) {
  const refOut = join(dir, 'reference.json');
  const theirs = await measure('/usr/bin/python3', [
    join(ref, 'run_ref.py'),
    files.results,
    files.gt,
    refOut,
  ]);
  const expected = JSON.parse(readFileSync(refOut, 'utf8')) as Record<string, number>;
  const differing = Object.keys(expected).filter(
    (k) => Math.fround(expected[k]) !== Math.fround(metrics[k]) || expected[k] !== metrics[k],
  );
  console.log(
    `MapTR map_utils:  ${theirs.wallS.toFixed(2)} s wall, peak RSS ${theirs.peakRssMiB.toFixed(0)} MiB (main process)`,
  );
  console.log(`speed-up: ${(theirs.wallS / ours.wallS).toFixed(1)}x (goal >= 20x)`);
  console.log(
    differing.length === 0 ? 'metrics: all keys identical' : `metrics DIFFER: ${differing.join(', ')}`,
  );
}
