import onnxProto from 'onnx-proto';
import { ONNX_DATA_TYPE, type OnnxDtype } from './dtypes.ts';

const { AttributeType } = onnxProto.onnx.AttributeProto;

/**
 * An attribute value with its ONNX type made explicit: a JS number cannot say whether `1` is INT or FLOAT, and
 * onnxruntime rejects the wrong one.
 */
export type OnnxAttribute =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'floats'; value: readonly number[] };

export const attr = {
  int: (value: number): OnnxAttribute => ({ type: 'int', value }),
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  string: (value: string): OnnxAttribute => ({ type: 'string', value }),
  ints: (value: readonly number[]): OnnxAttribute => ({ type: 'ints', value }),
  floats: (value: readonly number[]): OnnxAttribute => ({ type: 'floats', value }),
  /** An element type, e.g. Cast's `to`: the TensorProto.DataType number, as ONNX stores it. */
  dtype: (value: OnnxDtype): OnnxAttribute => ({ type: 'int', value: ONNX_DATA_TYPE[value] }),
};

export type OnnxAttributes = Record<string, OnnxAttribute>;

export function encodeAttribute(
  name: string,
  a: OnnxAttribute,
  where: string,
): onnxProto.onnx.IAttributeProto {
  const integers = (values: readonly number[]) => {
    for (const v of values) {
      if (!Number.isSafeInteger(v)) throw new Error(`${where}: attribute ${name} holds ${v}, not an integer`);
    }
    return [...values];
  };
  switch (a.type) {
    case 'int':
      return { name, type: AttributeType.INT, i: integers([a.value])[0] };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: a.value };
    case 'string':
      return { name, type: AttributeType.STRING, s: new TextEncoder().encode(a.value) };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: integers(a.value) };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...a.value] };
  }
}
