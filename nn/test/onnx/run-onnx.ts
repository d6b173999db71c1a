import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { OnnxGraphBuilder } from '../../src/index.ts';
import { tf } from '../../src/index.ts';

export type Feed = { dtype: 'float32' | 'int64'; data: Float32Array | BigInt64Array; dims: number[] };

export function floatFeed(t: tf.Tensor): Feed {
  return { dtype: 'float32', data: t.dataSync() as Float32Array, dims: t.shape };
}

/** Serialises the graph, loads it into onnxruntime-node and runs it; outputs come back as tfjs tensors. */
export async function runOnnx(
  graph: OnnxGraphBuilder,
  feeds: Record<string, Feed>,
): Promise<Record<string, tf.Tensor>> {
  const session = await ort.InferenceSession.create(graph.toBytes());
  const inputs = Object.fromEntries(
    Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor(f.dtype, f.data, f.dims)]),
  );
  const results = await session.run(inputs);
  return Object.fromEntries(
    Object.entries(results).map(([name, t]) => {
      const data =
        t.data instanceof BigInt64Array
          ? Int32Array.from(t.data, Number)
          : (t.data as Float32Array | Int32Array);
      return [name, tf.tensor(data, [...t.dims], data instanceof Float32Array ? 'float32' : 'int32')];
    }),
  );
}

/** Asserts max |a − b| / max |b| < tolerance, shapes equal. */
export function assertClose(actual: tf.Tensor, expected: tf.Tensor, label: string, tolerance = 1e-4): void {
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  const a = actual.dataSync();
  const b = expected.dataSync();
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  assert.ok(diff / scale < tolerance, `${label}: relative error ${(diff / scale).toExponential(2)}`);
}

export const toNCHW = (t: tf.Tensor) => tf.transpose(t, t.rank === 5 ? [0, 4, 1, 2, 3] : [0, 3, 1, 2]);
export const toNHWC = (t: tf.Tensor) => tf.transpose(t, t.rank === 5 ? [0, 2, 3, 4, 1] : [0, 2, 3, 1]);
/** tfjs filters are [kh, kw, in, out] (3-D: [kd, kh, kw, in, out]); ONNX wants [out, in, kh, kw]. */
export const toOIHW = (w: tf.Tensor) => tf.transpose(w, w.rank === 5 ? [4, 3, 0, 1, 2] : [3, 2, 0, 1]);
