/**
 * Checks shared by the `--model` harnesses: a declared tensor against the shape the harness needs, and the ONNX
 * file's own I/O against what its card declares.
 */
import { readFile } from 'node:fs/promises';
import { type Dim, matchIo, OnnxFormatError, readOnnxIo, type TensorSpec } from '@mim4d/zoo';
import { InputError } from '../cli/shared/exit-codes.ts';
import type { GraphArtifact } from './model-card-input.ts';

/** A dimension the harness requires: a size, the batch (any symbolic name) or a size shared by tensors. */
export type Want = number | 'batch' | 'queries';

function show(shape: readonly Dim[] | readonly Want[] | null): string {
  return shape === null ? 'no shape' : `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/**
 * Problems of the tensor `name` among `tensors` against `want` (`why` says where the sizes come from); a 'queries'
 * dimension must be the same wherever it appears, which `queries` records.
 */
export function checkTensor(
  kind: 'input' | 'output',
  tensors: readonly TensorSpec[],
  name: string,
  want: readonly Want[],
  why: string,
  queries: { dim?: Dim } = {},
): string[] {
  const tensor = tensors.find((t) => t.name === name);
  if (!tensor) return [`no ${kind} "${name}"`];
  const problems: string[] = [];
  if (tensor.dtype !== 'float32') problems.push(`${kind} "${name}" is ${tensor.dtype}, not float32`);
  const shape = tensor.shape;
  const fits =
    shape !== null &&
    shape.length === want.length &&
    shape.every((d, i) => {
      const w = want[i];
      if (w === 'batch') return typeof d === 'string' || d === null;
      if (w === 'queries') {
        if (!(typeof d === 'string' || (typeof d === 'number' && d > 0))) return false;
        queries.dim ??= d;
        return queries.dim === d;
      }
      return d === w;
    });
  if (!fits) problems.push(`${kind} "${name}" is ${show(shape)}, the harness needs ${show(want)} (${why})`);
  return problems;
}

/** Inputs the graph declares besides the ones the harness feeds. */
export function unfedInputs(tensors: readonly TensorSpec[], fed: readonly string[]): string[] {
  return tensors
    .filter((t) => !fed.includes(t.name))
    .map((t) => `input "${t.name}" is not one the harness can feed (${fed.join(', ')})`);
}

/** Reads the ONNX file's graph I/O and refuses it when it differs from what the card declares. */
export async function checkGraphMatchesCard(
  onnxPath: string,
  graph: GraphArtifact,
  source: string,
  role: string,
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(onnxPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new InputError(`${onnxPath}: file not found (the ${role} artifact of ${source})`);
    throw err;
  }
  let problems: string[];
  try {
    problems = matchIo(graph.io, readOnnxIo(bytes, onnxPath));
  } catch (err) {
    if (err instanceof OnnxFormatError) throw new InputError(err.message);
    throw err;
  }
  if (problems.length > 0) {
    throw new InputError(`${onnxPath}: the graph differs from its card ${source}: ${problems.join('; ')}`);
  }
}
