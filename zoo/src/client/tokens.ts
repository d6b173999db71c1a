/** Tokens: an admin token sees and revokes every token, any other token only itself. */
import type { Token, TokenList } from '../wire/tokens.ts';
import type { ZooHttp } from './zoo-http.ts';

export async function listTokens(http: ZooHttp): Promise<Token[]> {
  return (await http.json<TokenList>('api/v1/tokens', { what: 'list tokens' })).tokens;
}

/** Revokes a token (it answers 401 from then on); returns it with `revokedAt`. */
export function revokeToken(http: ZooHttp, id: string): Promise<Token> {
  return http.json<Token>(`api/v1/tokens/${encodeURIComponent(id)}`, {
    what: `revoke token ${id}`,
    method: 'DELETE',
  });
}
