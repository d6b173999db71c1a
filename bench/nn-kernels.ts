/**
 * Training-kernel throughput on the wasm backend (with our kernels) against tfjs's pure-JS cpu backend, side by
 * side in the same run, plus wasm's matmul peak as the ceiling.
 *
 *   npx tsx bench/nn-kernels.ts            # full table (about a minute)
 *   npx tsx bench/nn-kernels.ts --quick    # smaller shapes
 *
 * Shapes follow the scaled-down MIM4D recipe: 6 cameras x 3 frames of 64x112 images, stages at strides 4/8/16
 * with 16/32/64 channels, 5x5 depthwise convs, a 32x32x4 volume with 3x3x3 convs.
 */
import { initBackend, measureMatMulPeak, tf, timeMedian } from '../nn/src/index.ts';

interface Case {
  kernel: string;
  shape: string;
  /** Floating-point operations of one call (multiply-adds count 2). */
  flops: number;
  /** Builds inputs on the active backend and returns the call to time. */
  setup: () => () => tf.Tensor;
  /** The cpu backend is too slow for some shapes to time within the budget; those rows print wasm alone. */
  skipCpu?: boolean;
}

const quick = process.argv.includes('--quick');
const images = quick ? 6 : 18;
const rand = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) => () =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

function conv2dCases(label: string, x: number[], f: number[], stride: number, pad: 'same' | 'valid'): Case[] {
  const x4 = x as [number, number, number, number];
  const y = tf.backend_util.computeConv2DInfo(
    x4,
    f as [number, number, number, number],
    stride,
    1,
    pad,
  ).outShape;
  const flops = 2 * y[0] * y[1] * y[2] * y[3] * f[0] * f[1] * f[2];
  const shape = `${label} x[${x}] w[${f}] s${stride}`;
  return [
    {
      kernel: 'Conv2D',
      shape,
      flops,
      setup: () =>
        run(
          'Conv2D',
          { x: rand(x, 1), filter: rand(f, 2) },
          { strides: stride, pad, dataFormat: 'NHWC', dilations: 1 },
        ),
    },
    {
      kernel: 'Conv2DBackpropFilter *',
      shape,
      flops,
      setup: () =>
        run(
          'Conv2DBackpropFilter',
          { x: rand(x, 1), dy: rand(y, 3) },
          { strides: stride, pad, dataFormat: 'NHWC', filterShape: f },
        ),
    },
    {
      kernel: 'Conv2DBackpropInput',
      shape,
      flops,
      setup: () =>
        run(
          'Conv2DBackpropInput',
          { dy: rand(y, 3), filter: rand(f, 2) },
          { strides: stride, pad, dataFormat: 'NHWC', inputShape: x },
        ),
    },
  ];
}

function depthwiseCases(x: number[], k: number): Case[] {
  const f = [k, k, x[3], 1];
  const flops = 2 * x[0] * x[1] * x[2] * x[3] * k * k;
  const shape = `x[${x}] w[${f}] same`;
  const attrs = { strides: 1, pad: 'same', dilations: 1 };
  return [
    {
      kernel: 'DepthwiseConv2dNative',
      shape,
      flops,
      setup: () => run('DepthwiseConv2dNative', { x: rand(x, 1), filter: rand(f, 2) }, attrs),
    },
    {
      kernel: 'DepthwiseConv2dNativeBackpropFilter *',
      shape,
      flops,
      setup: () =>
        run(
          'DepthwiseConv2dNativeBackpropFilter',
          { x: rand(x, 1), dy: rand(x, 3) },
          { ...attrs, filterShape: f },
        ),
    },
    {
      kernel: 'DepthwiseConv2dNativeBackpropInput *',
      shape,
      flops,
      setup: () =>
        run(
          'DepthwiseConv2dNativeBackpropInput',
          { dy: rand(x, 3), filter: rand(f, 2) },
          { ...attrs, inputShape: x },
        ),
    },
  ];
}

function conv3dCases(x: number[], cout: number): Case[] {
  const f = [3, 3, 3, x[4], cout];
  const y = [...x.slice(0, 4), cout];
  const flops = 2 * y.reduce((a, b) => a * b, 1) * 27 * x[4];
  const shape = `x[${x}] w[${f}] same`;
  const attrs = { strides: [1, 1, 1], pad: 'same', dilations: [1, 1, 1], dataFormat: 'NDHWC' };
  return [
    {
      kernel: 'Conv3D *',
      shape,
      flops,
      setup: () => run('Conv3D', { x: rand(x, 1), filter: rand(f, 2) }, attrs),
    },
    {
      kernel: 'Conv3DBackpropFilterV2 *',
      shape,
      flops,
      setup: () =>
        run('Conv3DBackpropFilterV2', { x: rand(x, 1), dy: rand(y, 3) }, { ...attrs, filterShape: f }),
    },
    {
      kernel: 'Conv3DBackpropInputV2 *',
      shape,
      flops,
      setup: () =>
        run('Conv3DBackpropInputV2', { dy: rand(y, 3), filter: rand(f, 2) }, { ...attrs, inputShape: x }),
    },
  ];
}

// tfjs's cpu UnsortedSegmentSum costs O(rows x segments), so the comparison uses a modest segment count.
const rows = quick ? 5000 : 20000;
const segments = 256;
const buildCases = (): Case[] => [
  ...conv2dCases('stem', [images, 64, 112, 3], [4, 4, 3, 16], 4, 'valid'),
  ...conv2dCases('stage', [images, 16, 28, 16], [3, 3, 16, 32], 1, 'same'),
  ...conv2dCases('down', [images, 16, 28, 32], [2, 2, 32, 64], 2, 'valid'),
  ...depthwiseCases([images, 16, 28, 16], 5),
  ...depthwiseCases([images, 8, 14, 32], 5),
  ...conv3dCases([1, 4, 32, 32, 32], 16),
  {
    kernel: 'UnsortedSegmentSum *',
    shape: `x[${rows},32] into ${segments} segments`,
    flops: rows * 32,
    setup: () => {
      const ids = tf.tensor1d(
        Int32Array.from({ length: rows }, (_, i) => (i * 7919) % segments),
        'int32',
      );
      return run(
        'UnsortedSegmentSum',
        { x: rand([rows, 32], 1), segmentIds: ids },
        { numSegments: segments },
      );
    },
  },
  {
    kernel: 'Einsum *',
    shape: 'bqhd,bkhd->bhqk q=k=1024 h=2 d=16',
    flops: 2 * 1024 * 1024 * 2 * 16,
    setup: () =>
      run('Einsum', [rand([1, 1024, 2, 16], 1), rand([1, 1024, 2, 16], 2)] as unknown as tf.NamedTensorMap, {
        equation: 'bqhd,bkhd->bhqk',
      }),
  },
];

function measure(c: Case): number {
  const call = c.setup();
  const { ms } = timeMedian(() => tf.tidy(() => void call().dataSync()), quick ? 150 : 400);
  return ms;
}

async function main() {
  const info = await initBackend({ prefer: 'wasm' });
  const wasmPeak = measureMatMulPeak(512);
  await tf.setBackend('cpu');
  const cpuPeak = measureMatMulPeak(256, 200);
  console.log(
    `backend wasm (simd ${info.simd}, threads ${info.threads}); tfjs ${tf.version_core}; ${quick ? 'quick' : 'full'} shapes`,
  );
  console.log(
    `matmul peak: wasm ${wasmPeak.toFixed(2)} GFLOP/s (512^3), cpu ${cpuPeak.toFixed(2)} GFLOP/s (256^3), ratio ${(wasmPeak / cpuPeak).toFixed(1)}x`,
  );
  console.log('* = kernel registered by @mim4d/nn (missing, slow or wrong in tfjs-backend-wasm 4.22)\n');
  const header = [
    'kernel',
    'shape',
    'MFLOP',
    'wasm ms',
    'wasm GF/s',
    '% peak',
    'cpu ms',
    'cpu GF/s',
    'wasm/cpu',
  ];
  const widths = [38, 44, 8, 9, 9, 7, 9, 9, 9];
  const line = (cells: string[]) =>
    console.log(
      cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' '),
    );
  line(header);
  for (const c of buildCases()) {
    await tf.setBackend('wasm');
    const wasmMs = measure(c);
    let cpuMs = Number.NaN;
    if (!c.skipCpu) {
      await tf.setBackend('cpu');
      cpuMs = measure(c);
    }
    const gf = (ms: number) => c.flops / (ms * 1e6);
    const cpu = (text: string) => (Number.isNaN(cpuMs) ? '-' : text);
    line([
      c.kernel,
      c.shape,
      (c.flops / 1e6).toFixed(1),
      wasmMs.toFixed(2),
      gf(wasmMs).toFixed(2),
      `${((100 * gf(wasmMs)) / wasmPeak).toFixed(0)}%`,
      cpu(cpuMs.toFixed(2)),
      cpu(gf(cpuMs).toFixed(2)),
      cpu(`${(cpuMs / wasmMs).toFixed(1)}x`),
    ]);
  }
  await tf.setBackend('wasm');
}

await main();
