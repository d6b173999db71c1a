import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Leaderboards } from '../../src/leaderboards/leaderboards.ts';

/** Stores `text` as the complete body of submission `id`, as the submissions route does once an upload finished. */
export async function storeBody(boards: Leaderboards, id: string, text: string): Promise<void> {
  await mkdir(dirname(boards.partialBodyPath(id)), { recursive: true });
  await writeFile(boards.partialBodyPath(id), text);
  await boards.storeBody(id);
}
