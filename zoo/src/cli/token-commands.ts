import type { Command } from 'commander';
import type { Token } from '../wire/tokens.ts';
import { type ConnectionOptions, clientFrom, reporting, withConnection } from './connection.ts';

function tokenLine(t: Token): string {
  const state = t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt ? `expires ${t.expiresAt}` : 'active';
  return `${t.id}\t${t.name}\t${t.scopes.join(',')}\t${t.createdAt}\t${state}\n`;
}

/**
 * Adds `tokens` and `revoke-token`, through the zoo's API with the caller's own token (an admin token sees and
 * revokes any token, another only itself); `token list` / `token revoke` are the operator's, on the database.
 */
export function addTokenCommands(program: Command): void {
  withConnection(
    program
      .command('tokens')
      .description('the tokens this token may see (admin: all; any other: itself), without secrets')
      .option('--json', 'one JSON object per line'),
  ).action((opts: ConnectionOptions & { json?: boolean }) =>
    reporting(async () => {
      for (const t of await (await clientFrom(opts)).listTokens()) {
        process.stdout.write(opts.json ? `${JSON.stringify(t)}\n` : tokenLine(t));
      }
    }),
  );

  withConnection(
    program
      .command('revoke-token')
      .description(
        'revoke a token through the API (admin: any; any other token: itself); it answers 401 from then on',
      )
      .argument('<id>', 'token id, tok_...'),
  ).action((id: string, opts: ConnectionOptions) =>
    reporting(async () => {
      process.stdout.write(tokenLine(await (await clientFrom(opts)).revokeToken(id)));
    }),
  );
}
