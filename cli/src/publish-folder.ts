import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ZooClient } from '@mim4d/zoo';

/** Publishes an export folder (its card.json and every other file) as `repo`, tagged main; returns the revision. */
export async function publishFolder(client: ZooClient, repo: string, folder: string): Promise<string> {
  const card = JSON.parse(readFileSync(path.join(folder, 'card.json'), 'utf8'));
  const files = Object.fromEntries(
    readdirSync(folder)
      .filter((f) => f !== 'card.json' && !f.endsWith('.md'))
      .map((f) => [f, path.join(folder, f)]),
  );
  const { revision } = await client.publish(repo, files, card, { tags: ['main'] });
  return revision;
}
