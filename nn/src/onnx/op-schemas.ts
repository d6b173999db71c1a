import type { OnnxAttribute } from './attributes.ts';

type AttrType = OnnxAttribute['type'];

/** What our checker knows of an ONNX operator's signature, from the ONNX operator docs. */
export interface OpSchema {
  /** First opset whose version of the operator takes these inputs and attributes. */
  since: number;
  /** Last opset with this signature (a later one changed inputs or attributes), if any. */
  until?: number;
  inputs: [min: number, max: number];
  outputs: [min: number, max: number];
  attributes: Record<string, AttrType>;
  required?: string[];
}

const UNBOUNDED = Number.POSITIVE_INFINITY;
const unary = (since: number): OpSchema => ({ since, inputs: [1, 1], outputs: [1, 1], attributes: {} });
const binary = (since: number): OpSchema => ({ since, inputs: [2, 2], outputs: [1, 1], attributes: {} });
const reduceWithAxesAttribute: OpSchema = {
  since: 1,
  until: 17,
  inputs: [1, 1],
  outputs: [1, 1],
  attributes: { axes: 'ints', keepdims: 'int' },
};

export const OP_SCHEMAS = {
  Abs: unary(6),
  Add: binary(7),
  And: binary(7),
  Cast: { since: 6, inputs: [1, 1], outputs: [1, 1], attributes: { to: 'int' }, required: ['to'] },
  Clip: { since: 11, inputs: [1, 3], outputs: [1, 1], attributes: {} },
  Concat: {
    since: 4,
    inputs: [1, UNBOUNDED],
    outputs: [1, 1],
    attributes: { axis: 'int' },
    required: ['axis'],
  },
  Conv: {
    since: 1,
    inputs: [2, 3],
    outputs: [1, 1],
    attributes: {
      auto_pad: 'string',
      dilations: 'ints',
      group: 'int',
      kernel_shape: 'ints',
      pads: 'ints',
      strides: 'ints',
    },
  },
  Div: binary(7),
  Einsum: {
    since: 12,
    inputs: [1, UNBOUNDED],
    outputs: [1, 1],
    attributes: { equation: 'string' },
    required: ['equation'],
  },
  Equal: binary(7),
  Erf: unary(9),
  Exp: unary(6),
  Expand: binary(8),
  Floor: unary(6),
  Gather: { since: 1, inputs: [2, 2], outputs: [1, 1], attributes: { axis: 'int' } },
  Gemm: {
    since: 7,
    inputs: [2, 3],
    outputs: [1, 1],
    attributes: { alpha: 'float', beta: 'float', transA: 'int', transB: 'int' },
  },
  Greater: binary(7),
  GreaterOrEqual: binary(12),
  GridSample: {
    since: 16,
    until: 19,
    inputs: [2, 2],
    outputs: [1, 1],
    attributes: { align_corners: 'int', mode: 'string', padding_mode: 'string' },
  },
  Identity: unary(1),
  LayerNormalization: {
    since: 17,
    inputs: [2, 3],
    outputs: [1, 3],
    attributes: { axis: 'int', epsilon: 'float', stash_type: 'int' },
  },
  Less: binary(7),
  LessOrEqual: binary(12),
  Log: unary(6),
  MatMul: binary(1),
  Max: { since: 8, inputs: [1, UNBOUNDED], outputs: [1, 1], attributes: {} },
  Min: { since: 8, inputs: [1, UNBOUNDED], outputs: [1, 1], attributes: {} },
  Mul: binary(7),
  Neg: unary(6),
  Not: unary(1),
  Pad: { since: 11, until: 17, inputs: [2, 3], outputs: [1, 1], attributes: { mode: 'string' } },
  Pow: binary(7),
  ReduceMax: reduceWithAxesAttribute,
  ReduceMean: reduceWithAxesAttribute,
  ReduceSum: {
    since: 13,
    inputs: [1, 2],
    outputs: [1, 1],
    attributes: { keepdims: 'int', noop_with_empty_axes: 'int' },
  },
  Relu: unary(6),
  Reshape: { since: 5, inputs: [2, 2], outputs: [1, 1], attributes: { allowzero: 'int' } },
  Resize: {
    since: 11,
    until: 17,
    inputs: [1, 4],
    outputs: [1, 1],
    attributes: {
      coordinate_transformation_mode: 'string',
      cubic_coeff_a: 'float',
      exclude_outside: 'int',
      extrapolation_value: 'float',
      mode: 'string',
      nearest_mode: 'string',
    },
  },
  Sigmoid: unary(6),
  Slice: { since: 10, inputs: [3, 5], outputs: [1, 1], attributes: {} },
  Softmax: { since: 13, inputs: [1, 1], outputs: [1, 1], attributes: { axis: 'int' } },
  Softplus: unary(1),
  Sqrt: unary(6),
  Squeeze: { since: 13, inputs: [1, 2], outputs: [1, 1], attributes: {} },
  Sub: binary(7),
  Tanh: unary(6),
  Transpose: { since: 1, inputs: [1, 1], outputs: [1, 1], attributes: { perm: 'ints' } },
  Unsqueeze: binary(13),
  Where: { since: 9, inputs: [3, 3], outputs: [1, 1], attributes: {} },
} satisfies Record<string, OpSchema>;

export type OnnxOpType = keyof typeof OP_SCHEMAS;
