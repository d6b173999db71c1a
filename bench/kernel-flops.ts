import { tf } from '../nn/src/index.ts';

/** Floating-point operations of the kernels one call ran, as counted from the shapes tf.profile records. */
export interface FlopCount {
  /** Matmul and convolution kernels (forward and gradient): 2 per multiply-add, exact. */
  dense: number;
  /** Every other arithmetic kernel: 1 per output element (reductions: per input element); data movement 0. */
  other: number;
  /** Dense FLOPs by kernel name, for the breakdown. */
  byKernel: Map<string, number>;
}

const prod = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Kernels that only move, copy or index data: no arithmetic. */
const MOVES = new Set([
  'Reshape',
  'Slice',
  'StridedSlice',
  'Concat',
  'Pack',
  'Unpack',
  'Transpose',
  'Tile',
  'GatherV2',
  'GatherNd',
  'ScatterNd',
  'Cast',
  'Identity',
  'Fill',
  'ZerosLike',
  'OnesLike',
  'Reverse',
  'PadV2',
  'MirrorPad',
  'ExpandDims',
  'Squeeze',
  'Range',
  'OneHot',
  'BroadcastTo',
]);

const REDUCTIONS = new Set([
  'Sum',
  'Prod',
  'Max',
  'Min',
  'Mean',
  'All',
  'Any',
  'ArgMax',
  'ArgMin',
  'Cumsum',
  'UnsortedSegmentSum',
]);

/**
 * FLOPs of one kernel call from its input and output shapes (the profiler records no attributes, and needs none
 * here: strides and padding are already in the output shape). Input order is the kernel's: {a, b} for matmuls,
 * {x, filter} forward, {dy, filter} for input gradients, {x, dy} for filter gradients.
 */
function denseFlops(name: string, inputs: number[][], output: number[]): number | null {
  switch (name) {
    case 'BatchMatMul':
    case '_FusedMatMul': {
      const a = inputs[0];
      const k = (a[a.length - 1] * a[a.length - 2]) / output[output.length - 2];
      return 2 * prod(output) * k;
    }
    case 'Conv2D':
    case 'FusedConv2D':
    case 'Conv3D': {
      const f = inputs[1];
      return (2 * prod(output) * prod(f)) / f[f.length - 1];
    }
    case 'Conv2DBackpropInput':
    case 'Conv3DBackpropInputV2': {
      const f = inputs[1];
      return (2 * prod(inputs[0]) * prod(f)) / f[f.length - 1];
    }
    case 'Conv2DBackpropFilter':
    case 'Conv3DBackpropFilterV2':
      return (2 * prod(inputs[1]) * prod(output)) / output[output.length - 1];
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2D': {
      const f = inputs[1];
      return 2 * prod(output) * f[0] * f[1];
    }
    case 'DepthwiseConv2dNativeBackpropInput':
      return 2 * prod(inputs[0]) * inputs[1][0] * inputs[1][1];
    case 'DepthwiseConv2dNativeBackpropFilter':
      return 2 * prod(inputs[1]) * output[0] * output[1];
    default:
      return null;
  }
}

/** Runs `f` under tf.profile and counts the FLOPs of every kernel it ran (gradients included). */
export async function countFlops(f: () => void): Promise<FlopCount> {
  const info = await tf.profile(() => {
    f();
    return [];
  });
  const count: FlopCount = { dense: 0, other: 0, byKernel: new Map() };
  for (const k of info.kernels) {
    if (k.name === 'Einsum')
      throw new Error('countFlops: Einsum needs its equation, which the profiler does not record');
    const inputs = k.inputShapes.filter((s): s is number[] => s !== null);
    const dense = denseFlops(k.name, inputs, k.outputShapes[0]);
    if (dense !== null) {
      count.dense += dense;
      count.byKernel.set(k.name, (count.byKernel.get(k.name) ?? 0) + dense);
    } else if (REDUCTIONS.has(k.name)) {
      count.other += prod(inputs[0]);
    } else if (!MOVES.has(k.name)) {
      count.other += k.outputShapes.reduce((a, s) => a + prod(s), 0);
    }
  }
  return count;
}
