import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readSafetensors, writeSafetensors } from '../../src/index.ts';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name));

/*
 * Both fixtures were written by Python's safetensors 0.8.0 (numpy 2.4.6, ml_dtypes for bfloat16):
 *
 *   import numpy as np, ml_dtypes
 *   from safetensors.numpy import save_file
 *   rng = np.random.default_rng(7)
 *   save_file({
 *       'img_backbone.stem.weight': rng.standard_normal((4, 3, 2, 2)).astype(np.float32),
 *       'img_backbone.stem.bias': np.array([0.5, -1.0, 3.25, 1e-8], dtype=np.float32),
 *       'depth_net.scale': np.array(2.5, dtype=np.float32),
 *       'empty': np.zeros((0, 3), dtype=np.float32),
 *       'layer.10': np.array([10], dtype=np.float32),
 *       'layer.2': np.array([2], dtype=np.float32),
 *       'Z': np.array([np.inf, -0.0, np.float32(1e-40)], dtype=np.float32),
 *       'x\uff01': np.array([1], dtype=np.float32),
 *       'x\U0001F600': np.array([2], dtype=np.float32),
 *       'tab\tquote"': np.array([3], dtype=np.float32),
 *   }, 'f32-reference.safetensors', metadata={'format': 'mim4d-backbone/1'})
 *   save_file({
 *       'half': np.array([1.0, -2.5, 65504, 2**-24, np.inf], dtype=np.float16),
 *       'brain': np.array([1.5, -2.25, 3.0e38, -1e-39], dtype=ml_dtypes.bfloat16),
 *       'double': np.array([[0.1, -1e-50], [1e300, 3.0]], dtype=np.float64),
 *       'single': np.array([7.0], dtype=np.float32),
 *   }, 'mixed-dtypes.safetensors')
 *
 * Only one metadata key: the reference writes metadata in Rust hash-map order, which varies between runs.
 */
describe('safetensors files written by the reference implementation', () => {
  it('reads every tensor of an F32 file with its shape, values and metadata', () => {
    const { tensors, metadata } = readSafetensors(fixture('f32-reference.safetensors'), 'f32-reference');
    assert.deepEqual(metadata, { format: 'mim4d-backbone/1' });
    assert.deepEqual(
      [...tensors.keys()],
      [
        'Z',
        'depth_net.scale',
        'empty',
        'img_backbone.stem.bias',
        'img_backbone.stem.weight',
        'layer.10',
        'layer.2',
        'tab\tquote"',
        'x\uff01',
        'x\u{1F600}',
      ],
    );
    const get = (name: string) => tensors.get(name)!;
    assert.deepEqual(get('img_backbone.stem.bias').data, Float32Array.of(0.5, -1, 3.25, 1e-8));
    assert.deepEqual(get('img_backbone.stem.weight').shape, [4, 3, 2, 2]);
    assert.equal(get('img_backbone.stem.weight').data.length, 48);
    assert.deepEqual(get('depth_net.scale'), { shape: [], dtype: 'F32', data: Float32Array.of(2.5) });
    assert.deepEqual(get('empty'), { shape: [0, 3], dtype: 'F32', data: new Float32Array(0) });
    // Infinity, negative zero and a subnormal survive.
    assert.deepEqual(get('Z').data, Float32Array.of(Number.POSITIVE_INFINITY, -0, 1e-40));
    assert.ok(Object.is(get('Z').data[1], -0));
    assert.deepEqual(get('x\u{1F600}').data, Float32Array.of(2));
  });

  it('writes the same tensors and metadata back byte for byte', () => {
    const bytes = fixture('f32-reference.safetensors');
    const { tensors, metadata } = readSafetensors(bytes, 'f32-reference');
    // Given in reverse order: the writer sorts names by their UTF-8 bytes, as Rust does, not by UTF-16 units.
    const input = [...tensors].reverse().map(([name, t]) => ({ name, shape: t.shape, data: t.data }));
    assert.deepEqual(Buffer.from(writeSafetensors(input, metadata)), bytes);
  });

  it('widens F16 and BF16 exactly and rounds F64 to the nearest float32', () => {
    const { tensors, metadata } = readSafetensors(fixture('mixed-dtypes.safetensors'), 'mixed-dtypes');
    assert.deepEqual(metadata, {});
    const half = tensors.get('half')!;
    assert.equal(half.dtype, 'F16');
    assert.deepEqual(half.data, Float32Array.of(1, -2.5, 65504, 2 ** -24, Number.POSITIVE_INFINITY));
    const brain = tensors.get('brain')!;
    assert.equal(brain.dtype, 'BF16');
    // bfloat16 keeps 8 significant bits: 3e38 is stored as 0x7f62 and -1e-39 as the subnormal 0x800b.
    assert.deepEqual(brain.data, Float32Array.of(1.5, -2.25, (1 + 98 / 128) * 2 ** 127, -11 * 2 ** -133));
    const double = tensors.get('double')!;
    assert.deepEqual(double.shape, [2, 2]);
    assert.deepEqual(double.data, Float32Array.of(0.1, -0, Number.POSITIVE_INFINITY, 3));
    assert.deepEqual(tensors.get('single')!.data, Float32Array.of(7));
  });
});

describe('safetensors round trip', () => {
  it('reads back exactly what it wrote, names, shapes, values and metadata', () => {
    const tensors = [
      { name: 'b.weight', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, Number.NaN) },
      { name: '0', shape: [1], data: Float32Array.of(-7.5) },
      { name: 'a.running_var', shape: [], data: Float32Array.of(3.5e-20) },
    ];
    const metadata = { step: '12', config: JSON.stringify({ name: 'micro', grid: [1.6] }), format: 'x/1' };
    const bytes = writeSafetensors(tensors, metadata);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + headerLength) % 8, 0, 'the data starts 8-byte aligned');
    // An integer-like name stays in name order (a JS object would have moved it to the front regardless).
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    assert.ok(header.startsWith('{"__metadata__":{"config":'), header);
    const read = readSafetensors(bytes, 'round-trip');
    assert.deepEqual(read.metadata, metadata);
    assert.deepEqual([...read.tensors.keys()], ['0', 'a.running_var', 'b.weight']);
    for (const { name, shape, data } of tensors) {
      assert.deepEqual(read.tensors.get(name), { shape, dtype: 'F32', data });
    }
  });

  it('writes no __metadata__ entry without metadata, and an empty file as a bare header', () => {
    const bytes = writeSafetensors([]);
    assert.deepEqual([...bytes], [8, 0, 0, 0, 0, 0, 0, 0, ...Buffer.from('{}      ')]);
    assert.deepEqual(readSafetensors(bytes, 'empty'), { tensors: new Map(), metadata: {} });
  });

  it('refuses input it cannot write, naming the tensor or metadata key', () => {
    const t = (name: string, shape: number[], n: number) => ({ name, shape, data: new Float32Array(n) });
    assert.throws(
      () => writeSafetensors([t('w', [2, 2], 3)]),
      /tensor w has 3 values, shape \[2,2\] needs 4/,
    );
    assert.throws(() => writeSafetensors([t('w', [1], 1), t('w', [1], 1)]), /tensor w is given twice/);
    assert.throws(() => writeSafetensors([t('w', [-1], 1)]), /tensor w has shape \[-1\]/);
    assert.throws(() => writeSafetensors([t('__metadata__', [1], 1)]), /__metadata__ is reserved/);
    assert.throws(
      () => writeSafetensors([], { step: 3 } as unknown as Record<string, string>),
      /metadata step is number, the format allows only strings/,
    );
  });
});
