import onnxProto from 'onnx-proto';
import type { Dim, OnnxDtype, TensorSpec } from '../../src/onnx/tensor-spec.ts';
import { ONNX_DTYPES } from '../../src/onnx/tensor-spec.ts';

const { onnx } = onnxProto;

function valueInfo(spec: TensorSpec): onnxProto.onnx.IValueInfoProto {
  const elemType = ONNX_DTYPES.indexOf(spec.dtype);
  const dim = (d: Dim): onnxProto.onnx.TensorShapeProto.IDimension =>
    d === null ? {} : typeof d === 'string' ? { dimParam: d } : { dimValue: d };
  return {
    name: spec.name,
    type: { tensorType: { elemType, shape: spec.shape === null ? null : { dim: spec.shape.map(dim) } } },
  };
}

/** Options for {@link encodeAddModel}: an `Add` of two inputs, or an `Identity` of one when `second` is absent. */
export interface TinyModelOptions {
  dtype?: OnnxDtype;
  first?: { name: string; shape: Dim[] | null };
  second?: { name: string; shape: Dim[] | null };
  output?: { name: string; shape: Dim[] | null };
  opset?: number;
  /** Also list an initializer named like this as a graph input, as IR < 4 exporters do. */
  initializerAsInput?: string;
}

/** Encodes a one-node ONNX model (IR 8) with onnx-proto, small enough to build inside a test. */
export function encodeTinyModel(options: TinyModelOptions = {}): Uint8Array {
  const dtype = options.dtype ?? 'float32';
  const first = options.first ?? { name: 'x', shape: ['batch', 3] };
  const output = options.output ?? { name: 'y', shape: ['batch', 3] };
  const inputs = [first, ...(options.second ? [options.second] : [])];
  const initializer = options.initializerAsInput
    ? [{ name: options.initializerAsInput, dataType: ONNX_DTYPES.indexOf(dtype), dims: [1], floatData: [1] }]
    : [];
  const graphInputs = [
    ...inputs.map((t) => valueInfo({ ...t, dtype })),
    ...initializer.map((t) => valueInfo({ name: t.name, dtype, shape: [1] })),
  ];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'mim4d-zoo-tests',
    opsetImport: [{ domain: '', version: options.opset ?? 17 }],
    graph: {
      name: 'tiny',
      node: [
        {
          opType: options.second ? 'Add' : 'Identity',
          input: inputs.map((t) => t.name),
          output: [output.name],
          name: 'op',
        },
      ],
      initializer,
      input: graphInputs,
      output: [valueInfo({ ...output, dtype })],
    },
  });
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}
