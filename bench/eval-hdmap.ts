/**
 * Benchmark of `mim4d-eval hdmap` on a validation-sized MapTR case (6019 samples, 50 predictions of 20
 * points each per sample, as MapTR's decoder emits), written to /tmp. Prints wall time, CPU time and peak RSS.
 *
 * With REF_MAPTR=<dir>, runs the reference on the same files and prints the ratios and whether the metrics
 * agree. <dir>/run_ref.py RESULTS GT OUT must write MapTR's NuscMap_chamfer metrics as JSON: a small driver
 * (not in this repository) around MapTR's own projects/mmdet3d_plugin/datasets/map_utils (format_res_gt_by_classes,
 * then eval_map per threshold, keys as nuscenes_map_dataset._evaluate_single builds them), with stand-ins for
 * mmcv's Timer/dump/print_log, mmdet's bbox_overlaps and terminaltables, on Debian's python3-numpy,
 * python3-shapely (1.8.5) and python3-scipy. The reference takes about a second per sample on this machine:
 * compare on --samples 600 unless there is time to spare.
 *
 *   npx tsx bench/eval-hdmap.ts [--samples 6019] [--seed 1]
 *   REF_MAPTR=/tmp/ref/maptr npx tsx bench/eval-hdmap.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '@mim4d/nn';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const NUM_SAMPLES = argValue('--samples', 6019);
const SEED = argValue('--seed', 1);
const PREDICTIONS_PER_SAMPLE = 50;
const PRED_POINTS = 20;

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
  const random = new SeededRandom(SEED);
  const rand = () => random.next();
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

interface ProcSample {
  ppid: number;
  cpuTicks: number;
}

function readStat(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state, ppid, ..., utime (14), stime (15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/**
 * Runs a command, sampling from /proc until it exits: the peak resident set (VmHWM) of the main process, and
 * the CPU time of it and all its descendants (the reference's multiprocessing pool included). On a shared
 * machine CPU seconds compare more fairly than wall time.
 */
async function measure(
  cmd: string,
  argv: string[],
): Promise<{ wallS: number; cpuS: number; peakRssMiB: number; stdout: string }> {
  const start = performance.now();
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  let peakKiB = 0;
  const cpuByPid = new Map<number, number>();
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
    } catch {
      // the process has gone; the last sample stands
    }
    const tree = new Set([child.pid as number]);
    const stats = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map((d) => [Number(d), readStat(Number(d))] as const);
    // Parents are usually listed before their children; two passes catch grandchildren either way.
    for (let pass = 0; pass < 2; pass++) {
      for (const [pid, st] of stats) if (st && tree.has(st.ppid)) tree.add(pid);
    }
    for (const [pid, st] of stats)
      if (st && tree.has(pid)) cpuByPid.set(pid, Math.max(cpuByPid.get(pid) ?? 0, st.cpuTicks));
  };
  const timer = setInterval(sample, 50);
  const [code] = (await once(child, 'exit')) as [number];
  clearInterval(timer);
  if (code !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited with ${code}`);
  const ticksPerS = 100; // USER_HZ on Linux
  const cpuS = [...cpuByPid.values()].reduce((a, b) => a + b, 0) / ticksPerS;
  return { wallS: (performance.now() - start) / 1000, cpuS, peakRssMiB: peakKiB / 1024, stdout };
}

const dir = `/tmp/mim4d-bench-hdmap-${NUM_SAMPLES}-${SEED}`;
const existing = { results: join(dir, 'results.json'), gt: join(dir, 'gt.json') };
// The case is a pure function of --samples and --seed, so an earlier run's files are reused.
let files = existing;
if (!existsSync(existing.results) || !existsSync(existing.gt)) {
  console.log(`writing ${NUM_SAMPLES} samples to ${dir} ...`);
  files = await writeCase(dir);
}
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
  `mim4d-eval hdmap: ${ours.wallS.toFixed(2)} s wall, ${ours.cpuS.toFixed(2)} s CPU, peak RSS ${ours.peakRssMiB.toFixed(0)} MiB, mAP ${metrics['NuscMap_chamfer/mAP']}`,
);

const ref = process.env.REF_MAPTR;
if (ref) {
  const refOut = join(dir, 'reference.json');
  const theirs = await measure('/usr/bin/python3', [
    '-W',
    'ignore',
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
    `MapTR map_utils:  ${theirs.wallS.toFixed(2)} s wall, ${theirs.cpuS.toFixed(2)} s CPU (with its pool), peak RSS ${theirs.peakRssMiB.toFixed(0)} MiB (main process)`,
  );
  console.log(
    `speed-up: ${(theirs.wallS / ours.wallS).toFixed(1)}x wall, ${(theirs.cpuS / ours.cpuS).toFixed(1)}x CPU (goal >= 20x)`,
  );
  console.log(
    differing.length === 0 ? 'metrics: all keys identical' : `metrics DIFFER: ${differing.join(', ')}`,
  );
}
