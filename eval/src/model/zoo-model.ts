/**
 * A model named `ns/name[@rev]` on the zoo: its card and, once the card names it, its graph file, pulled with
 * the zoo client into its cache (sha256-verified), with the settings `mim4d-zoo` uses (flags, then
 * MIM4D_ZOO_ENDPOINT / MIM4D_ZOO_TOKEN, then the saved login).
 */
import { readFile } from 'node:fs/promises';
import {
  type Manifest,
  parseRepoRef,
  type RepoId,
  ZooClient,
  type ZooClientOptions,
  ZooError,
} from '@mim4d/zoo';
import { InputError } from '../cli/shared/exit-codes.ts';
import { progressBar } from '../cli/shared/output.ts';

export interface ZooConnection {
  endpoint?: string;
  token?: string;
}

/** The file a revision may carry its card in (`mim4d-zoo push --card` leaves an export's card.json in place). */
const CARD_FILE = 'card.json';

async function zooCall<T>(ref: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ZooError || err instanceof SyntaxError) throw new InputError(`${ref}: ${err.message}`);
    throw err;
  }
}

async function revisionCard(
  client: ZooClient,
  ref: string,
  repo: RepoId,
  manifest: Manifest,
): Promise<unknown> {
  const revision = manifest.revision;
  if (manifest.files.some((f) => f.path === CARD_FILE)) {
    const file = await client.download(repo, CARD_FILE, { revision });
    return JSON.parse(await readFile(file.localPath, 'utf8'));
  }
  const info = await client.modelInfo(repo);
  if (info.revision !== revision) {
    // The client reads the card of the revision `main` points at (or the head); others only carry it as a file.
    throw new InputError(
      `${ref}: revision ${revision} is not the one main points at (${info.revision ?? 'none'}), and it has no ` +
        `${CARD_FILE} file; the zoo client reads only main's card, so evaluate ${repo.namespace}/${repo.name}@main ` +
        `or a local export folder`,
    );
  }
  if (info.card === undefined) throw new InputError(`${ref}: revision ${revision} has no model card`);
  return info.card;
}

export async function openZooModel(ref: string, connection: ZooConnection) {
  let client: ZooClient;
  let repo: RepoId;
  let revision: string | undefined;
  try {
    ({ repo, revision } = parseRepoRef(ref));
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  try {
    const options: ZooClientOptions = {};
    if (connection.endpoint) options.endpoint = connection.endpoint;
    if (connection.token) options.token = connection.token;
    client = new ZooClient(options);
  } catch (err) {
    throw new InputError(`${ref}: ${(err as Error).message}`);
  }
  const manifest = await zooCall(ref, () => client.manifest(repo, revision));
  const pinned = `${repo.namespace}/${repo.name}@${manifest.revision}`;
  const card = await zooCall(ref, () => revisionCard(client, ref, repo, manifest));
  return {
    card,
    cardSource: `the card of ${pinned}`,
    async artifactFile(path: string): Promise<string> {
      const mb = (bytes: number) => Math.round(bytes / 1e6);
      const size = manifest.files.find((f) => f.path === path)?.size ?? 0;
      const bar = progressBar(`Pulling ${path}`, Math.max(1, mb(size)), 'MB');
      try {
        const file = await zooCall(ref, () =>
          client.download(repo, path, {
            revision: manifest.revision,
            onProgress: (p) => bar.update(mb(p.bytes)),
          }),
        );
        return file.localPath;
      } finally {
        bar.stop();
      }
    },
  };
}
