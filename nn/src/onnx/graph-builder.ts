import type { Tensor } from '@tensorflow/tfjs-core';
import onnxProto from 'onnx-proto';
import { encodeAttribute, type OnnxAttributes } from './attributes.ts';
import { checkModel, OnnxCheckError } from './checker.ts';
import { ONNX_DATA_TYPE, type OnnxDtype } from './dtypes.ts';
import type { OnnxOpType } from './op-schemas.ts';
import { type InitializerValues, toRawBytes } from './tensor-bytes.ts';

const { onnx } = onnxProto;

/** A dimension: a fixed size, or a symbol (`"batch"`) that the runtime binds. */
export type Dim = number | string;

/** A named value in the graph under construction: a graph input, an initializer or a node output. */
export interface OnnxValue {
  readonly name: string;
}

export interface OnnxGraphOptions {
  /** Graph name, also used in error messages. */
  name: string;
  /** Default-domain opset; 17 (LayerNormalization) unless set. */
  opset?: number;
  docString?: string;
}

export interface OnnxModelOptions {
  producerVersion?: string;
  docString?: string;
  /** ModelProto.metadata_props, e.g. the model card's id. */
  metadata?: Record<string, string>;
}

/** ONNX IR version 8 (ONNX 1.10-1.12), the one onnx-proto's schema describes; it carries opsets up to 17. */
export const IR_VERSION = 8;
export const PRODUCER_NAME = 'mim4d';

/**
 * Builds an ONNX graph value by value: declare inputs and initializers, add nodes (each output gets a unique
 * name), mark outputs, then `toModel()` / `toBytes()`, which run `checkModel` and refuse to write a graph that fails.
 */
export class OnnxGraphBuilder {
  readonly opset: number;
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private nextId = 0;

  constructor(private readonly options: OnnxGraphOptions) {
    this.opset = options.opset ?? 17;
  }

  input(name: string, dtype: OnnxDtype, dims: readonly Dim[]): OnnxValue {
    this.claim(name, 'input');
    this.inputs.push(valueInfo(name, dtype, dims, this.where(`input "${name}"`)));
    return { name };
  }

  /** A constant tensor stored in the model. A tf.Tensor brings its own dtype and shape. */
  initializer(name: string, values: Tensor): OnnxValue;
  initializer(name: string, values: InitializerValues, dtype: OnnxDtype, dims: readonly number[]): OnnxValue;
  initializer(
    name: string,
    values: Tensor | InitializerValues,
    dtype?: OnnxDtype,
    dims?: readonly number[],
  ): OnnxValue {
    const where = this.where(`initializer "${name}"`);
    let data: InitializerValues;
    if (isTensor(values)) {
      if (values.dtype !== 'float32' && values.dtype !== 'int32') {
        throw new Error(`${where}: tf.Tensor of dtype ${values.dtype}; expected float32 or int32`);
      }
      data = values.dataSync() as Float32Array | Int32Array;
      dtype = values.dtype;
      dims = values.shape;
    } else {
      data = values;
    }
    if (dtype === undefined || dims === undefined) throw new Error(`${where}: dtype and dims are required`);
    const elements = dims.reduce((a, b) => a * b, 1);
    if (!dims.every((d) => Number.isInteger(d) && d >= 0) || elements !== data.length) {
      throw new Error(`${where}: ${data.length} values do not fill dims [${dims.join(', ')}]`);
    }
    this.claim(name, 'initializer');
    this.initializers.push({
      name,
      dataType: ONNX_DATA_TYPE[dtype],
      dims: [...dims],
      rawData: toRawBytes(data, dtype, where),
    });
    return { name };
  }

  /** A 1-D int64 initializer: the shapes, axes, pads and slice bounds ONNX takes as inputs. */
  int64s(name: string, values: readonly number[]): OnnxValue {
    return this.initializer(name, values, 'int64', [values.length]);
  }

  /** Adds a node; `outputs` names (or counts) its outputs. Pass null for an omitted optional input. */
  node(
    opType: OnnxOpType,
    inputs: readonly (OnnxValue | null)[],
    attributes: OnnxAttributes = {},
    options: { name?: string; outputs?: number | readonly string[] } = {},
  ): OnnxValue[] {
    const id = this.nextId++;
    const nodeName = options.name ?? `${opType}_${id}`;
    const where = this.where(`node "${nodeName}"`);
    const outputNames =
      typeof options.outputs === 'object'
        ? [...options.outputs]
        : Array.from({ length: options.outputs ?? 1 }, (_, i) => `${nodeName}_out${i === 0 ? '' : i}`);
    for (const output of outputNames) this.claim(output, `output of ${where}`);
    this.nodes.push({
      name: nodeName,
      opType,
      input: inputs.map((v) => v?.name ?? ''),
      output: outputNames,
      attribute: Object.entries(attributes).map(([key, a]) => encodeAttribute(key, a, where)),
    });
    return outputNames.map((name) => ({ name }));
  }

  /** A node with exactly one output. */
  op(
    opType: OnnxOpType,
    inputs: readonly (OnnxValue | null)[],
    attributes: OnnxAttributes = {},
    name?: string,
  ) {
    return this.node(opType, inputs, attributes, { name })[0];
  }

  /** Marks a value as a graph output, under `name` if given (through an Identity node). */
  output(value: OnnxValue, dtype: OnnxDtype, dims: readonly Dim[], name?: string): OnnxValue {
    const out =
      name === undefined || name === value.name
        ? value
        : this.node('Identity', [value], {}, { outputs: [name] })[0];
    this.outputs.push(valueInfo(out.name, dtype, dims, this.where(`output "${out.name}"`)));
    return out;
  }

  toModel(options: OnnxModelOptions = {}): onnxProto.onnx.ModelProto {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: this.opset }],
      producerName: PRODUCER_NAME,
      producerVersion: options.producerVersion ?? '',
      docString: options.docString ?? '',
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.options.name,
        docString: this.options.docString ?? '',
        input: this.inputs,
        initializer: this.initializers,
        node: this.nodes,
        output: this.outputs,
      },
    });
    const problems = checkModel(model);
    if (problems.length > 0) throw new OnnxCheckError(this.options.name, problems);
    return model;
  }

  toBytes(options: OnnxModelOptions = {}): Uint8Array {
    return onnx.ModelProto.encode(this.toModel(options)).finish();
  }

  private claim(name: string, what: string): void {
    if (name === '') throw new Error(`${this.where(what)}: empty name`);
    if (this.names.has(name)) throw new Error(`${this.where(what)}: name "${name}" is already used`);
    this.names.add(name);
  }

  private where(what: string): string {
    return `ONNX graph "${this.options.name}", ${what}`;
  }
}

function isTensor(values: unknown): values is Tensor {
  return typeof values === 'object' && values !== null && 'dataSync' in values && 'shape' in values;
}

function valueInfo(
  name: string,
  dtype: OnnxDtype,
  dims: readonly Dim[],
  where: string,
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_DATA_TYPE[dtype],
        shape: {
          dim: dims.map((d) => {
            if (typeof d === 'string') {
              if (d === '') throw new Error(`${where}: empty symbolic dimension`);
              return { dimParam: d };
            }
            if (!Number.isInteger(d) || d < 0) throw new Error(`${where}: dimension ${d} is not a size`);
            return { dimValue: d };
          }),
        },
      },
    },
  };
}
