import type { Dim, OnnxIo, TensorSpec } from './tensor-spec.ts';

/** What the card promises about one ONNX file's graph. */
export interface DeclaredIo {
  opset?: number;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

function showDim(dim: Dim): string {
  return dim === null ? '?' : typeof dim === 'string' ? JSON.stringify(dim) : String(dim);
}

function showShape(shape: Dim[] | null): string {
  return shape === null ? 'no shape' : `[${shape.map(showDim).join(', ')}]`;
}

function compareTensors(kind: 'input' | 'output', declared: TensorSpec[], actual: TensorSpec[]): string[] {
  const problems: string[] = [];
  const declaredNames = declared.map((t) => t.name);
  const actualNames = actual.map((t) => t.name);
  if (declaredNames.join('\u0000') !== actualNames.join('\u0000')) {
    problems.push(
      `${kind}s: the card declares [${declaredNames.join(', ')}] but the model has [${actualNames.join(', ')}]`,
    );
  }
  const byName = new Map(actual.map((t) => [t.name, t]));
  for (const want of declared) {
    const got = byName.get(want.name);
    if (!got) continue;
    if (got.dtype !== want.dtype) {
      problems.push(`${kind} "${want.name}": dtype ${want.dtype} in the card, ${got.dtype} in the model`);
    }
    const same =
      (want.shape === null && got.shape === null) ||
      (want.shape !== null &&
        got.shape !== null &&
        want.shape.length === got.shape.length &&
        want.shape.every((d, i) => d === got.shape?.[i]));
    if (!same) {
      problems.push(
        `${kind} "${want.name}": shape ${showShape(want.shape)} in the card, ${showShape(got.shape)} in the model`,
      );
    }
  }
  return problems;
}

/**
 * Lists every way a model's graph differs from what its card declares; empty when they agree. The card must state
 * the graph exactly: same names in the same order, same dtypes, and the same dimensions, where a symbolic dimension
 * matches only the same symbol and `null` only an unnamed, unsized dimension.
 */
export function matchIo(declared: DeclaredIo, actual: OnnxIo): string[] {
  const problems = [
    ...compareTensors('input', declared.inputs, actual.inputs),
    ...compareTensors('output', declared.outputs, actual.outputs),
  ];
  if (declared.opset !== undefined && declared.opset !== actual.opset) {
    problems.push(`opset ${declared.opset} in the card, ${actual.opset ?? 'none'} in the model`);
  }
  return problems;
}
