/**
 * Benchmark of the nuScenes reader: opening a dataroot (streamed, validated, indexed) and walking every sample
 * the way training does (6 cameras x T frames with their matrices, GT boxes in the ego frame, the 6 key-frame
 * images decoded to RGB). Prints wall times, throughput and peak memory, and, as the reference measured in the
 * same run, the time to only `readFile` + `JSON.parse` the same tables (no validation, no indexes). Times are
 * wall and CPU (user + system, all threads); opening and parsing are best of 3 by CPU time.
 *
 * The key-frame images are decoded again by jpeg-js, the decoder the reader used before sharp, as the reference.
 *
 * A second part times the table reader on a generated sample_data-like table of --table-mb megabytes against
 * `JSON.parse` and against stream-json (the streaming library the reader would otherwise use).
 *
 *   npx tsx bench/dataset-load.ts --dataroot /tmp/synth-bench --version v1.0-mini [--frames 3] [--table-mb 200]
 *   npx tsx bench/dataset-load.ts            # no --dataroot: writes and reads the tiny test dataroot
 */
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_SPEC, writeTinyDataroot } from '@mim4d/dataset/testing';
import jpeg from 'jpeg-js';
import streamJson from 'stream-json';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import {
  CAMERA_CHANNELS,
  NuScenes,
  readImage,
  readJsonArrayFile,
  sampleFrames,
  sampleGroundTruth,
  TABLE_NAMES,
} from '../dataset/src/index.ts';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const FRAMES = Number(arg('--frames') ?? 3);
const TABLE_MB = Number(arg('--table-mb') ?? 100);
/** Repeats of the quick measurements; the least CPU time is reported. */
const RUNS = 3;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let peakHeap = 0;
const sampleHeap = (): void => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
};
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

/** Wall time and this process's CPU time (user + system): on a shared machine only the latter is steady. */
interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, Timing]> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await fn();
  const c = process.cpuUsage(c0);
  return [out, { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }];
}

/** Runs `fn` `runs` times; returns the last result and the run with the least CPU time (JIT warm-up excluded). */
async function bestOf<T>(runs: number, fn: () => Promise<T> | T): Promise<[T, Timing]> {
  let best: [T, Timing] | undefined;
  for (let i = 0; i < runs; i++) {
    const [out, t] = await timed(fn);
    best = [out, best === undefined || t.cpuMs < best[1].cpuMs ? t : best[1]];
  }
  return best!;
}

const times = (t: Timing): string => `${secs(t.wallMs)} wall, ${secs(t.cpuMs)} CPU`;
const ratio = (t: Timing, ref: Timing): string => `CPU ratio ${(t.cpuMs / ref.cpuMs).toFixed(2)}x`;

async function benchDataroot(dataroot: string, version: string): Promise<void> {
  let tableBytes = 0;
  for (const t of TABLE_NAMES) tableBytes += (await stat(join(dataroot, version, `${t}.json`))).size;

  const [, parseMs] = await bestOf(RUNS, async () => {
    for (const t of TABLE_NAMES) JSON.parse(await readFile(join(dataroot, version, `${t}.json`), 'utf8'));
  });
  const [nusc, openMs] = await bestOf(RUNS, () => NuScenes.open(dataroot, version));
  sampleHeap();

  let images = 0;
  let pixels = 0;
  let boxes = 0;
  let decodeWallMs = 0;
  let decodeCpuMs = 0;
  const imagePaths: string[] = [];
  const [, walkMs] = await timed(async () => {
    for (const sample of nusc.tables.sample) {
      const frames = sampleFrames(nusc, sample.token, { frames: FRAMES });
      boxes += sampleGroundTruth(nusc, sample.token).ego.length;
      const [, decode] = await timed(async () => {
        for (const cam of frames.cameras[0]) {
          const image = await readImage(cam.path);
          imagePaths.push(cam.path);
          images++;
          pixels += image.width * image.height;
        }
      });
      decodeWallMs += decode.wallMs;
      decodeCpuMs += decode.cpuMs;
      sampleHeap();
    }
  });
  const n = nusc.tables.sample.length;
  console.log(`dataroot ${dataroot} (${version}): ${TABLE_NAMES.length} tables, ${mib(tableBytes)} of JSON`);
  console.log(
    `  records: ${nusc.tables.sample.length} samples, ${nusc.tables.sample_data.length} sample_data, ${nusc.tables.sample_annotation.length} annotations`,
  );
  console.log(`  reference readFile + JSON.parse of the tables: ${times(parseMs)}`);
  console.log(`  NuScenes.open (stream, validate, index):       ${times(openMs)}  ${ratio(openMs, parseMs)}`);
  console.log(
    `  walk ${n} samples (T=${FRAMES} x ${CAMERA_CHANNELS.length} cameras, GT boxes, 6 key images decoded): ${times(walkMs)}, ${(walkMs.cpuMs / n).toFixed(1)} ms CPU/sample`,
  );
  console.log(
    `    of which image read + decode: ${secs(decodeWallMs)} wall, ${secs(decodeCpuMs)} CPU for ${images} images (${(pixels / images / 1e3).toFixed(0)} kpx each), ${(decodeCpuMs / images).toFixed(2)} ms CPU/image`,
  );
  const [, reference] = await timed(async () => {
    for (const path of imagePaths)
      jpeg.decode(await readFile(path), { useTArray: true, formatAsRGBA: false });
  });
  console.log(
    `    reference, the same reads decoded by jpeg-js (the decoder before sharp): ${secs(reference.wallMs)} wall, ${secs(reference.cpuMs)} CPU, ${(reference.cpuMs / images).toFixed(2)} ms CPU/image; sharp takes ${((decodeCpuMs / reference.cpuMs) * 100).toFixed(0)} % of its CPU time (${(reference.cpuMs / decodeCpuMs).toFixed(1)}x)`,
  );
  console.log(`    ${boxes} GT boxes`);
}

/** A sample_data.json-like table of about `mb` megabytes, one record per line as nuScenes writes them. */
async function writeBigTable(path: string, mb: number): Promise<number> {
  const parts: string[] = [];
  let bytes = 0;
  let i = 0;
  for (; bytes < mb * 1e6; i++) {
    const token = i.toString(16).padStart(32, '0');
    const rec = JSON.stringify({
      token,
      sample_token: token.split('').reverse().join(''),
      ego_pose_token: token,
      calibrated_sensor_token: 'f4d2a6c281f34a7eb8bb033d82321f79',
      timestamp: 1532402927612460 + i * 50000,
      fileformat: 'jpg',
      is_key_frame: i % 6 === 0,
      height: 900,
      width: 1600,
      filename: `sweeps/CAM_FRONT/n015-2018-07-24-11-22-45+0800__CAM_FRONT__${1532402927612460 + i}.jpg`,
      prev: i > 0 ? (i - 1).toString(16).padStart(32, '0') : '',
      next: (i + 1).toString(16).padStart(32, '0'),
    });
    parts.push(rec);
    bytes += rec.length + 2;
  }
  await writeFile(path, `[\n${parts.join(',\n')}\n]`);
  return i;
}

async function benchTableReader(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mim4d-bench-table-'));
  try {
    const path = join(dir, 'sample_data.json');
    const records = await writeBigTable(path, TABLE_MB);
    const size = (await stat(path)).size;
    const [, parseMs] = await bestOf(RUNS, () => JSON.parse(readFileSync(path, 'utf8')).length);
    const [count, readerMs] = await bestOf(RUNS, () => readJsonArrayFile(path, () => {}));
    gc();
    gc();
    const before = process.memoryUsage();
    const kept: unknown[] = [];
    await readJsonArrayFile(path, (r) => kept.push(r));
    // Two collections: buffers released by the first are only counted free after the second.
    gc();
    gc();
    const after = process.memoryUsage();
    const heapPerRecord = (after.heapUsed - before.heapUsed) / kept.length;
    const externalPerRecord = (after.external - before.external) / kept.length;
    kept.length = 0;
    const [streamCount, streamMs] = await timed(
      () =>
        new Promise<number>((resolve, reject) => {
          let c = 0;
          createReadStream(path)
            .pipe(streamJson.parser())
            .pipe(StreamArray.streamArray())
            .on('data', () => c++)
            .on('end', () => resolve(c))
            .on('error', reject);
        }),
    );
    if (count !== records || streamCount !== records)
      throw new Error(`record counts differ: ${records}, ${count}, ${streamCount}`);
    const rate = (t: Timing): string => `${(size / 2 ** 20 / (t.cpuMs / 1000)).toFixed(0)} MiB per CPU-s`;
    console.log(`table reader on a ${mib(size)} sample_data-like table (${records} records):`);
    console.log(`  JSON.parse of the whole text (reference): ${times(parseMs)}  ${rate(parseMs)}`);
    console.log(
      `  readJsonArrayFile (streamed):             ${times(readerMs)}  ${rate(readerMs)}  ${ratio(readerMs, parseMs)}`,
    );
    console.log(
      `  records kept by the reader: ${heapPerRecord.toFixed(0)} B heap + ${externalPerRecord.toFixed(0)} B external each (file: ${(size / records).toFixed(0)} B/record)`,
    );
    console.log(
      `  stream-json StreamArray:                  ${times(streamMs)}  ${rate(streamMs)}  ${ratio(streamMs, parseMs)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const dataroot = arg('--dataroot');
if (dataroot !== undefined) {
  await benchDataroot(dataroot, arg('--version') ?? 'v1.0-mini');
} else {
  const dir = await mkdtemp(join(tmpdir(), 'mim4d-bench-tiny-'));
  await writeTinyDataroot(dir, DEFAULT_SPEC);
  await benchDataroot(dir, DEFAULT_SPEC.version);
  await rm(dir, { recursive: true, force: true });
}
sampleHeap();
console.log(
  `peak heap used: ${mib(peakHeap)}, peak RSS (maxRSS): ${mib(process.resourceUsage().maxRSS * 1024)}`,
);
if (TABLE_MB > 0) await benchTableReader();
