import onnxProto from 'onnx-proto';
import { BYTES_PER_ELEMENT, dtypeOfDataType } from './dtypes.ts';
import { OP_SCHEMAS, type OpSchema } from './op-schemas.ts';

const { AttributeType } = onnxProto.onnx.AttributeProto;
const ATTRIBUTE_TYPES: Record<OpSchema['attributes'][string], number> = {
  int: AttributeType.INT,
  float: AttributeType.FLOAT,
  string: AttributeType.STRING,
  ints: AttributeType.INTS,
  floats: AttributeType.FLOATS,
};

type LongLike = number | { toNumber(): number } | null | undefined;
const num = (v: LongLike): number =>
  v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber();

/** Thrown by the graph builder when the model it would write fails `checkModel`. */
export class OnnxCheckError extends Error {
  constructor(
    readonly graphName: string,
    readonly problems: string[],
  ) {
    super(`ONNX graph "${graphName}" is not valid:\n  ${problems.join('\n  ')}`);
    this.name = 'OnnxCheckError';
  }
}

/**
 * Structural checks on a ModelProto, our own (the onnx Python checker is not available to a Node toolkit): opset
 * import, every name defined once and before use, graph outputs defined, initializer sizes against their dims, and,
 * for operators we know, input/output counts, attribute names and types, and the opset they need. Returns every
 * problem found, each naming the node or tensor; an empty list means the model passed.
 */
export function checkModel(model: onnxProto.onnx.IModelProto): string[] {
  const problems: string[] = [];
  if (num(model.irVersion as LongLike) < 8)
    problems.push(`ir_version ${num(model.irVersion as LongLike)} is below 8`);
  const defaultOpset = (model.opsetImport ?? []).find((o) => (o.domain ?? '') === '');
  const opset = num(defaultOpset?.version as LongLike);
  if (defaultOpset === undefined || opset < 1) problems.push('no opset_import for the default ONNX domain');
  const graph = model.graph;
  if (!graph) return [...problems, 'model has no graph'];

  const defined = new Map<string, string>();
  const define = (name: string | null | undefined, what: string) => {
    if (!name) {
      problems.push(`${what} has no name`);
      return;
    }
    const previous = defined.get(name);
    if (previous !== undefined)
      problems.push(`${what} "${name}" redefines a name already given to ${previous}`);
    else defined.set(name, what);
  };

  for (const input of graph.input ?? []) define(input.name, 'graph input');
  for (const init of graph.initializer ?? []) {
    define(init.name, 'initializer');
    problems.push(...checkInitializer(init));
  }
  for (const [index, node] of (graph.node ?? []).entries()) {
    const label = `node ${index} (${node.opType}${node.name ? ` "${node.name}"` : ''})`;
    for (const input of node.input ?? []) {
      if (input !== '' && !defined.has(input))
        problems.push(`${label} reads "${input}" before anything defines it`);
    }
    if ((node.domain ?? '') === '') problems.push(...checkAgainstSchema(node, label, opset));
    for (const output of node.output ?? []) define(output, `output of ${label}`);
  }
  if ((graph.output ?? []).length === 0) problems.push('graph has no outputs');
  for (const output of graph.output ?? []) {
    if (!output.name || !defined.has(output.name))
      problems.push(`graph output "${output.name}" is never computed`);
  }
  return problems;
}

function checkInitializer(init: onnxProto.onnx.ITensorProto): string[] {
  const where = `initializer "${init.name}"`;
  const dtype = dtypeOfDataType(init.dataType ?? 0);
  if (dtype === undefined) return [`${where} has data type ${init.dataType}, which we do not write`];
  const dims = (init.dims ?? []).map((d) => num(d as LongLike));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) return [`${where} has invalid dims [${dims}]`];
  const elements = dims.reduce((a, b) => a * b, 1);
  const bytes = init.rawData?.length ?? 0;
  if (bytes !== elements * BYTES_PER_ELEMENT[dtype]) {
    return [
      `${where} holds ${bytes} bytes, but dims [${dims}] of ${dtype} need ${elements * BYTES_PER_ELEMENT[dtype]}`,
    ];
  }
  return [];
}

function checkAgainstSchema(node: onnxProto.onnx.INodeProto, label: string, opset: number): string[] {
  const schema = (OP_SCHEMAS as Record<string, OpSchema>)[node.opType ?? ''];
  if (schema === undefined) return [`${label}: operator ${node.opType} is not one the writer knows`];
  const problems: string[] = [];
  if (opset < schema.since)
    problems.push(`${label}: needs opset ${schema.since} or later, model imports ${opset}`);
  if (schema.until !== undefined && opset > schema.until) {
    problems.push(
      `${label}: its inputs/attributes changed after opset ${schema.until}, model imports ${opset}`,
    );
  }
  const count = (list: unknown[] | null | undefined) => (list ?? []).length;
  const [minIn, maxIn] = schema.inputs;
  if (count(node.input) < minIn || count(node.input) > maxIn) {
    problems.push(
      `${label}: has ${count(node.input)} inputs, expected ${minIn}${maxIn === minIn ? '' : `..${maxIn}`}`,
    );
  }
  const [minOut, maxOut] = schema.outputs;
  if (count(node.output) < minOut || count(node.output) > maxOut) {
    problems.push(`${label}: has ${count(node.output)} outputs, expected ${minOut}..${maxOut}`);
  }
  const names = new Set<string>();
  for (const a of node.attribute ?? []) {
    const expected = schema.attributes[a.name ?? ''];
    if (expected === undefined) problems.push(`${label}: unknown attribute "${a.name}"`);
    else if (a.type !== ATTRIBUTE_TYPES[expected])
      problems.push(`${label}: attribute "${a.name}" must be ${expected}`);
    names.add(a.name ?? '');
  }
  for (const required of schema.required ?? []) {
    if (!names.has(required)) problems.push(`${label}: missing required attribute "${required}"`);
  }
  return problems;
}
