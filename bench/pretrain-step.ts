/**
 * Seconds per MIM4D pretraining step (plan + forward + backward + clipping + AdamW) and the arithmetic rate it
 * achieves, against this machine's float32 matmul peak measured in the same run on the same backend.
 *
 * FLOPs of a step are counted, not estimated: one extra step runs under tf.profile, and every kernel it ran (the
 * forward pass, the gradient kernels of the backward pass, the second-order SDF normal graph, the optimizer) is
 * counted from its recorded shapes (bench/kernel-flops.ts): matmuls and convolutions exactly, 2 per multiply-add;
 * other arithmetic 1 per output element; data movement 0. The rays drawn vary a little from step to step, so the
 * count is that of one step. The rate is counted FLOPs per second of the timed (unprofiled) steps, set against the
 * float32 matmul peak (512x512 by 512x512 products) measured right before and right after each timed step, by the
 * same clocks: wall seconds, and CPU (user + system) seconds, the steadier one on a shared machine. Before and after
 * are printed because under load the peak swings, and the ratio is only meaningful when they agree.
 *
 *   npx tsx bench/pretrain-step.ts [--configs micro,tiny] [--steps 3] [--rays-per-camera N] [--backend auto|wasm|cpu]
 */
import { parseArgs } from 'node:util';
import { initBackend, parseBackendPreference, SeededRandom, tf } from '../nn/src/index.ts';
import { loadConfig } from '../pretrain/src/config/index.ts';
import { Mim4dModel } from '../pretrain/src/model/mim4d.ts';
import { AdamW, clipGradNorm } from '../pretrain/src/train/adamw.ts';
import { toyScene } from '../pretrain/test/helpers/toy-scene.ts';
import { countFlops } from './kernel-flops.ts';

const { values } = parseArgs({
  options: {
    configs: { type: 'string', default: 'micro,tiny' },
    steps: { type: 'string', default: '3' },
    'rays-per-camera': { type: 'string' },
    backend: { type: 'string', default: 'auto' },
  },
});
const steps = Number(values.steps);
const backend = await initBackend({ prefer: parseBackendPreference(values.backend ?? 'auto', '--backend') });
console.log(
  `backend ${backend.tfName} (simd ${backend.simd}, threads ${backend.threads}); ${steps} timed steps after 1 warm-up; ` +
    'rates in GFLOP/s by wall clock and [by cpu clock]',
);

interface Seconds {
  wall: number;
  cpu: number;
}

function timed(fn: () => void): Seconds {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

const sum = (xs: Seconds[]): Seconds => ({
  wall: xs.reduce((a, x) => a + x.wall, 0),
  cpu: xs.reduce((a, x) => a + x.cpu, 0),
});
const rate = (flops: number, s: Seconds) => ({ wall: flops / s.wall / 1e9, cpu: flops / s.cpu / 1e9 });
const show = (r: { wall: number; cpu: number }) => `${r.wall.toFixed(2)} [${r.cpu.toFixed(2)}]`;

const N = 512;
const left = tf.randomUniform([N, N], -1, 1, 'float32', 1);
const right = tf.randomUniform([N, N], -1, 1, 'float32', 2);
const PEAK_REPS = 4;
/** Seconds of PEAK_REPS matmul products. */
const peakRun = () =>
  timed(() => {
    for (let i = 0; i < PEAK_REPS; i++) {
      tf.tidy(() => {
        tf.matMul(left, right).dataSync();
      });
    }
  });
peakRun();

for (const name of (values.configs ?? '').split(',')) {
  const config = loadConfig(name);
  if (values['rays-per-camera'] !== undefined)
    config.render.raysPerCamera = Number(values['rays-per-camera']);
  const model = new Mim4dModel(config);
  const sample = toyScene(config);
  const rng = new SeededRandom(1);
  const trainable = model.params.trainable();
  const byVar = new Map([...trainable].map(([n, v]) => [v.name, n]));
  const adam = new AdamW(trainable, () => 1, { ...config.optim });
  const trainStep = () => {
    const plan = model.plan(sample, rng);
    const { value, grads } = tf.variableGrads(() => {
      const l = model.losses(sample, plan, rng);
      return tf.addN([l.rgb, l.depth, l.rgbAdj, l.depthAdj]) as tf.Scalar;
    }, [...trainable.values()]);
    const clipped = clipGradNorm(new Map(Object.entries(grads).map(([k, g]) => [byVar.get(k)!, g])), 35);
    adam.apply(clipped.grads, config.optim.lr);
    tf.dispose([value, ...Object.values(grads), ...clipped.grads.values()]);
  };
  trainStep();
  const before: Seconds[] = [];
  const after: Seconds[] = [];
  const times: Seconds[] = [];
  for (let i = 0; i < steps; i++) {
    before.push(peakRun());
    times.push(timed(trainStep));
    after.push(peakRun());
  }
  const peakFlops = 2 * N ** 3 * PEAK_REPS * steps;
  const peak = rate(2 * peakFlops, sum([...before, ...after]));
  const step = sum(times);
  const flops = await countFlops(trainStep);
  const total = flops.dense + flops.other;
  const achieved = rate(total * steps, step);
  let params = 0;
  for (const v of trainable.values()) params += v.size;
  console.log(
    `${name.padEnd(6)} params ${String(params).padStart(7)}, ${config.render.raysPerCamera} rays/camera | ` +
      `step ${(step.wall / steps).toFixed(2)} s wall, ${(step.cpu / steps).toFixed(2)} s cpu | ` +
      `${(total / 1e9).toFixed(2)} GFLOP/step (${(flops.dense / 1e9).toFixed(2)} matmul/conv) | achieved ` +
      `${show(achieved)} vs matmul peak ${show(peak)} (before ${show(rate(peakFlops, sum(before)))}, after ` +
      `${show(rate(peakFlops, sum(after)))}) = ${((100 * achieved.wall) / peak.wall).toFixed(1)}% ` +
      `[${((100 * achieved.cpu) / peak.cpu).toFixed(1)}%] of peak`,
  );
  const top = [...flops.byKernel].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(
    `       matmul/conv GFLOP by kernel: ${top.map(([k, f]) => `${k} ${(f / 1e9).toFixed(3)}`).join(', ')}`,
  );
  adam.dispose();
  model.dispose();
}
tf.dispose([left, right]);
