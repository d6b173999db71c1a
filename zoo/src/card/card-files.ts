import { extname } from 'node:path';
import { matchIo } from '../onnx/match-io.ts';
import { readOnnxIo } from '../onnx/read-io.ts';
import type { ModelCard } from './model-card.ts';
import type { CardError } from './validate-card.ts';

/**
 * The rules a card and the files it is published with must keep, checked by the server on commit and by the client
 * before it uploads anything (so a push the server would refuse leaves no orphaned blobs behind).
 */

/** Every card artifact is one of the files, and every .onnx file has an onnx artifact entry. */
export function cardFileProblems(card: ModelCard, paths: readonly string[]): CardError[] {
  const present = new Set(paths);
  const errors = card.artifacts.flatMap((a, i) =>
    present.has(a.path)
      ? []
      : [{ path: `/artifacts/${i}/path`, message: `"${a.path}" is not among the committed files` }],
  );
  const described = new Set(card.artifacts.filter((a) => a.format === 'onnx').map((a) => a.path));
  for (const path of paths) {
    if (extname(path).toLowerCase() === '.onnx' && !described.has(path)) {
      errors.push({
        path: '/artifacts',
        message: `"${path}" is an ONNX file without an onnx artifact entry`,
      });
    }
  }
  return errors;
}

/**
 * Each ONNX artifact with declared I/O whose graph inputs or outputs differ from the card, with what differs. An
 * unreadable graph throws OnnxFormatError naming the file.
 */
export async function onnxIoMismatches(
  card: ModelCard,
  read: (path: string) => Promise<Uint8Array>,
): Promise<{ path: string; problems: string[] }[]> {
  const mismatches: { path: string; problems: string[] }[] = [];
  for (const artifact of card.artifacts) {
    if (artifact.format !== 'onnx' || !artifact.io) continue;
    const problems = matchIo(artifact.io, readOnnxIo(await read(artifact.path), artifact.path));
    if (problems.length > 0) mismatches.push({ path: artifact.path, problems });
  }
  return mismatches;
}
