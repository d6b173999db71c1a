/**
 * Benchmark of the synthetic dataset generator (`mim4d data synth`): wall time, CPU time and peak memory to
 * generate the default dataset (4 scenes x 10 key frames, 400x225) and a 10-scene one, each in a fresh process.
 * References measured in the same run: the default dataset generated in-process (1 worker) against worker
 * threads, and the per-image JPEG encoding of jpeg-js (the encoder before sharp) against ours.
 *
 *   npx tsx bench/synth.ts                 # default (1 worker and all cores) and 10 scenes
 *   npx tsx bench/synth.ts --quick         # default dataset only
 *   npx tsx bench/synth.ts --width 1600 --height 900 --quick   # nuScenes-sized images
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { generateSynthDataset, SYNTH_DEFAULTS, type SynthSummary } from '../dataset/src/index.ts';
import { JpegEncoder } from '../dataset/src/synth/jpeg-encoder.ts';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

interface RunResult {
  summary: SynthSummary;
  wallS: number;
  cpuS: number;
  peakRssMb: number;
}

if (args[0] === '--child') {
  // One measured generation, alone in its process so that peak RSS is its own.
  const { options, workers } = JSON.parse(args[1]) as { options: { out: string }; workers: number };
  const started = performance.now();
  const summary = await generateSynthDataset(options, { workers });
  const usage = process.resourceUsage();
  const result: RunResult = {
    summary,
    wallS: (performance.now() - started) / 1000,
    cpuS: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    peakRssMb: usage.maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const width = Number(arg('--width') ?? SYNTH_DEFAULTS.width);
  const height = Number(arg('--height') ?? SYNTH_DEFAULTS.height);
  const cores = availableParallelism();
  const root = mkdtempSync(join(tmpdir(), 'mim4d-bench-synth-'));
  const run = (label: string, scenes: number, workers: number): RunResult => {
    const out = join(root, label.replace(/\W+/g, '-'));
    const child = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--child',
        JSON.stringify({ options: { out, scenes, width, height }, workers }),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    if (child.status !== 0) throw new Error(`${label} failed:\n${child.stderr}`);
    rmSync(out, { recursive: true, force: true });
    const result = JSON.parse(child.stdout.trim().split('\n').pop() as string) as RunResult;
    const s = result.summary;
    const captures = s.sampleData;
    console.log(
      `${label.padEnd(34)} ${result.wallS.toFixed(1).padStart(6)} s wall  ${result.cpuS.toFixed(1).padStart(6)} s CPU  ` +
        `${result.peakRssMb.toFixed(0).padStart(5)} MB peak RSS  ${(captures / result.wallS).toFixed(1).padStart(6)} captures/s  ` +
        `${s.samples} samples, ${captures} sample_data, ${s.annotations} annotations, ${s.files} files, ${(s.bytes / 1e6).toFixed(1)} MB`,
    );
    return result;
  };

  console.log(`synth benchmark: ${width}x${height}, ${cores} cores, default options otherwise`);
  const single = run(`default (${SYNTH_DEFAULTS.scenes} scenes), 1 worker`, SYNTH_DEFAULTS.scenes, 1);
  const threaded = run(
    `default (${SYNTH_DEFAULTS.scenes} scenes), ${cores} workers`,
    SYNTH_DEFAULTS.scenes,
    cores,
  );
  console.log(`  worker threads vs in-process: ${(single.wallS / threaded.wallS).toFixed(2)}x faster (wall)`);
  if (!args.includes('--quick')) run(`10 scenes, ${cores} workers`, 10, cores);

  // Reference: the per-image cost of jpeg-js's encode() (the generator's encoder before sharp) against ours.
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = (i % width) / width;
    rgba.set([40 + 150 * v, 90 + 60 * v, 160 - 80 * v, 255], i * 4);
  }
  const reps = 20;
  let t = performance.now();
  for (let i = 0; i < reps; i++) jpeg.encode({ data: rgba, width, height }, SYNTH_DEFAULTS.jpegQuality);
  const stock = (performance.now() - t) / reps;
  const encoder = new JpegEncoder(SYNTH_DEFAULTS.jpegQuality);
  t = performance.now();
  for (let i = 0; i < reps; i++) await encoder.encode(rgba, width, height);
  const ours = (performance.now() - t) / reps;
  console.log(
    `JPEG ${width}x${height}: jpeg-js encode() ${stock.toFixed(1)} ms/image, ours (sharp) ${ours.toFixed(1)} ms/image (${(stock / ours).toFixed(1)}x)`,
  );
  rmSync(root, { recursive: true, force: true });
}
