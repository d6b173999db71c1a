/**
 * Seconds per MIM4D pretraining step (plan + forward + backward + clipping + AdamW) for the micro and tiny
 * configs on the ground-plane test scene, with the forward pass alone (the same plan, no gradients) measured in
 * the same run as the reference: the ratio says what backpropagation, including the second-order SDF normals,
 * costs on top. Wall and CPU (user + system) seconds are both printed because the machine may be shared.
 *
 *   npx tsx bench/pretrain-step.ts [--configs micro,tiny] [--steps 3] [--backend auto|wasm|cpu]
 */
import { parseArgs } from 'node:util';
import { initBackend, parseBackendPreference, SeededRandom, tf } from '../nn/src/index.ts';
import { loadConfig } from '../pretrain/src/config/index.ts';
import { Mim4dModel } from '../pretrain/src/model/mim4d.ts';
import { AdamW, clipGradNorm } from '../pretrain/src/train/adamw.ts';
import { toyScene } from '../pretrain/test/helpers/toy-scene.ts';

const { values } = parseArgs({
  options: {
    configs: { type: 'string', default: 'micro,tiny' },
    steps: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'auto' },
  },
});
const steps = Number(values.steps);
const backend = await initBackend({ prefer: parseBackendPreference(values.backend ?? 'auto', '--backend') });
console.log(
  `backend ${backend.tfName} (simd ${backend.simd}, threads ${backend.threads}); ${steps} timed steps after 1 warm-up`,
);

function timed(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

for (const name of (values.configs ?? '').split(',')) {
  const config = loadConfig(name);
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
  const forward = () =>
    tf.tidy(() => {
      const l = model.losses(sample, model.plan(sample, rng), rng);
      tf.addN([l.rgb, l.depth, l.rgbAdj, l.depthAdj]).dataSync();
    });
  trainStep();
  forward();
  const sum = (xs: { wall: number; cpu: number }[]) => ({
    wall: xs.reduce((a, b) => a + b.wall, 0) / xs.length,
    cpu: xs.reduce((a, b) => a + b.cpu, 0) / xs.length,
  });
  const train = sum(Array.from({ length: steps }, () => timed(trainStep)));
  const fwd = sum(Array.from({ length: steps }, () => timed(forward)));
  let params = 0;
  for (const v of trainable.values()) params += v.size;
  console.log(
    `${name.padEnd(6)} params ${String(params).padStart(7)} | train step ${train.wall.toFixed(2)} s wall, ${train.cpu.toFixed(2)} s cpu` +
      ` | forward only (reference) ${fwd.wall.toFixed(2)} s wall, ${fwd.cpu.toFixed(2)} s cpu` +
      ` | step/forward ${(train.cpu / fwd.cpu).toFixed(2)}x cpu`,
  );
  adam.dispose();
  model.dispose();
}
