/**
 * The element types an ONNX tensor can carry, named as numpy/onnxruntime name them, indexed by the
 * `TensorProto.DataType` enum value (onnx/onnx.proto3; the index is the wire value).
 */
export const ONNX_DTYPES = [
  'undefined',
  'float32',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'int32',
  'int64',
  'string',
  'bool',
  'float16',
  'float64',
  'uint32',
  'uint64',
  'complex64',
  'complex128',
  'bfloat16',
  'float8e4m3fn',
  'float8e4m3fnuz',
  'float8e5m2',
  'float8e5m2fnuz',
  'uint4',
  'int4',
  'float4e2m1',
] as const;

export type OnnxDtype = Exclude<(typeof ONNX_DTYPES)[number], 'undefined'>;

/**
 * One dimension of a tensor shape: a fixed size, a symbolic name (`dim_param`, e.g. "batch"), or `null` when
 * the model leaves the dimension unnamed and unsized.
 */
export type Dim = number | string | null;

/** A graph input or output: its name, element type and shape (`null` when the model declares no shape). */
export interface TensorSpec {
  name: string;
  dtype: OnnxDtype;
  shape: Dim[] | null;
}

/** The inputs and outputs of an ONNX graph, in graph order, and the default-domain opset it imports. */
export interface OnnxIo {
  opset: number | null;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}
