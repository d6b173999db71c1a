import onnxProto from 'onnx-proto';

const { DataType } = onnxProto.onnx.TensorProto;

/** Element types our graphs use, named as numpy/onnxruntime name them. */
export type OnnxDtype = 'float32' | 'int32' | 'int64' | 'bool' | 'uint8';

export const ONNX_DATA_TYPE: Record<OnnxDtype, number> = {
  float32: DataType.FLOAT,
  int32: DataType.INT32,
  int64: DataType.INT64,
  bool: DataType.BOOL,
  uint8: DataType.UINT8,
};

export const BYTES_PER_ELEMENT: Record<OnnxDtype, number> = {
  float32: 4,
  int32: 4,
  int64: 8,
  bool: 1,
  uint8: 1,
};

export function dtypeOfDataType(dataType: number): OnnxDtype | undefined {
  return (Object.keys(ONNX_DATA_TYPE) as OnnxDtype[]).find((d) => ONNX_DATA_TYPE[d] === dataType);
}
