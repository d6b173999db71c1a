import type { Command } from 'commander';
import { type ConnectionOptions, clientFrom, reporting, withConnection, zoo } from './connection.ts';

/** Adds `tag`: point a tag of a model at one of its revisions, through the zoo's API. */
export function addTagCommand(program: Command): void {
  withConnection(
    program
      .command('tag')
      .description('point a tag at a revision of a model (the token needs write:<ns>)')
      .argument('<model>', 'namespace/name@revision, the revision a 40-hex revision id')
      .argument('<tag>', 'tag name, e.g. main or v2'),
  ).action((model: string, tag: string, opts: ConnectionOptions) =>
    reporting(async () => {
      const { parseRepoRef, isRevisionId, repoString } = await zoo();
      const { repo, revision } = parseRepoRef(model);
      if (!revision || !isRevisionId(revision)) {
        throw new Error(`${model}: name the revision to tag as namespace/name@<40-hex revision id>`);
      }
      const moved = await (await clientFrom(opts)).setTag(repo, tag, revision);
      process.stdout.write(`${repoString(repo)}@${moved.tag} -> ${moved.revision}\n`);
    }),
  );
}
