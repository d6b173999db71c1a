/**
 * Where `--model` points: an `.onnx` file with its `card.json` beside it, an export folder (`card.json` plus the
 * artifacts), or, when no such file or folder exists, a zoo reference `ns/name[@rev]`.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../cli/shared/exit-codes.ts';
import { openZooModel, type ZooConnection } from './zoo-model.ts';

/** The export folder's card, as `mim4d pretrain export` and `mim4d finetune export` name it. */
export const CARD_FILE = 'card.json';

export interface ModelSource {
  /** The card as parsed JSON, not yet validated. */
  card: unknown;
  /** Names the card in error messages (a path, or the zoo revision). */
  cardSource: string;
  /** The local path of the artifact the card calls `path` (pulled first when it comes from the zoo). */
  artifactFile(path: string, role: string): Promise<string>;
}

async function readCard(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError(`${path}: file not found; the model's card must be ${CARD_FILE} beside it`);
    }
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

async function kindOf(path: string): Promise<'file' | 'folder' | 'none'> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'folder' : 'file';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw err;
  }
}

export async function openModelSource(model: string, zoo: ZooConnection): Promise<ModelSource> {
  const kind = await kindOf(model);
  if (kind === 'folder') {
    const cardPath = join(model, CARD_FILE);
    return {
      card: await readCard(cardPath),
      cardSource: cardPath,
      artifactFile: async (p) => join(model, p),
    };
  }
  if (kind === 'file') {
    if (!model.endsWith('.onnx')) {
      throw new InputError(
        `--model ${model}: not an .onnx file; give the graph, its export folder or ns/name[@rev]`,
      );
    }
    const cardPath = join(dirname(model), CARD_FILE);
    return {
      card: await readCard(cardPath),
      cardSource: cardPath,
      async artifactFile(path, role) {
        if (basename(path) !== basename(model)) {
          throw new InputError(
            `${cardPath}: its ${role} artifact is "${path}", not ${basename(model)}: is this the card of ${model}?`,
          );
        }
        return model;
      },
    };
  }
  if (!/^[^/@\s]+\/[^/@\s]+(@\S+)?$/.test(model)) {
    throw new InputError(`--model ${model}: no such file or folder, and not a zoo reference ns/name[@rev]`);
  }
  try {
    return await openZooModel(model, zoo);
  } catch (err) {
    // A mistyped two-segment path also reads as a zoo reference; say why the zoo was asked.
    if (err instanceof InputError) {
      throw new InputError(
        `${err.message} (no file or folder ${model} here, so it was looked up in the zoo)`,
      );
    }
    throw err;
  }
}
