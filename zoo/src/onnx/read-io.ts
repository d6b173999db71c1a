import onnxProto from 'onnx-proto';
import { type Dim, ONNX_DTYPES, type OnnxDtype, type OnnxIo, type TensorSpec } from './tensor-spec.ts';

const { onnx } = onnxProto;

/** Thrown when bytes are not an ONNX ModelProto with a graph of tensor inputs and outputs. */
export class OnnxFormatError extends Error {
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`${source}: not a usable ONNX model: ${reason}`);
    this.name = 'OnnxFormatError';
  }
}

type LongLike = number | { toNumber(): number };

function toNumber(value: LongLike | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : value.toNumber();
}

function readDim(dim: onnxProto.onnx.TensorShapeProto.IDimension): Dim {
  // Decoded messages inherit proto3 defaults from their prototype, so only the oneof getter says which member the
  // wire actually carried (a real `dim_value: 0` versus no value at all).
  const which = (dim as { value?: 'dimValue' | 'dimParam' }).value;
  if (which === 'dimParam') return dim.dimParam ?? null;
  if (which === 'dimValue') return toNumber(dim.dimValue as LongLike);
  return null;
}

function readValueInfo(info: onnxProto.onnx.IValueInfoProto, where: string, source: string): TensorSpec {
  const name = info.name ?? '';
  if (!name) throw new OnnxFormatError(source, `${where} has no name`);
  const tensorType = info.type?.tensorType;
  if (!tensorType) throw new OnnxFormatError(source, `${where} "${name}" is not a tensor`);
  const dtype = ONNX_DTYPES[tensorType.elemType ?? 0];
  if (dtype === undefined || dtype === 'undefined') {
    throw new OnnxFormatError(
      source,
      `${where} "${name}" has unknown element type ${tensorType.elemType ?? 0}`,
    );
  }
  const shape = tensorType.shape ? (tensorType.shape.dim ?? []).map(readDim) : null;
  return { name, dtype: dtype as OnnxDtype, shape };
}

/**
 * Reads the graph inputs and outputs of a serialized ONNX model. Initializers that older exporters (IR < 4) also
 * list as graph inputs are left out: a caller never feeds them.
 *
 * @param bytes the whole .onnx file
 * @param source a name for the bytes (file path or URL) used in error messages
 */
export function readOnnxIo(bytes: Uint8Array, source: string): OnnxIo {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new OnnxFormatError(source, `protobuf decoding failed (${(error as Error).message})`);
  }
  const graph = model.graph;
  if (!graph) throw new OnnxFormatError(source, 'the ModelProto has no graph');
  if (!model.irVersion || toNumber(model.irVersion as LongLike) === 0) {
    throw new OnnxFormatError(source, 'the ModelProto has no ir_version');
  }
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const defaultOpset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return {
    opset: toNumber(defaultOpset?.version as LongLike | undefined),
    inputs: (graph.input ?? [])
      .filter((info) => !initializers.has(info.name ?? ''))
      .map((info, i) => readValueInfo(info, `graph input #${i}`, source)),
    outputs: (graph.output ?? []).map((info, i) => readValueInfo(info, `graph output #${i}`, source)),
  };
}
