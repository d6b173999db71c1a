import type { Token, TokenList } from '@mim4d/zoo';
import { Router } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';

/**
 * Tokens under /api/v1/tokens: admin lists and revokes any token; any other token sees and may revoke itself (a
 * leaked token can be killed by whoever holds it). Secrets are never shown again, only ids, names and scopes.
 */
export function tokenRoutes(ctx: ZooContext): Router {
  const router = Router();

  const caller = (res: Parameters<typeof principalOf>[0]) => {
    const principal = principalOf(res);
    if (principal.kind === 'anonymous')
      throw new ProblemError(401, 'Unauthorized', 'tokens need a bearer token');
    return { id: principal.tokenId, admin: principal.scopes.includes('admin') };
  };

  router.get('/api/v1/tokens', async (_req, res) => {
    const { id, admin } = caller(res);
    const tokens = admin ? await ctx.meta.listTokens() : [await ctx.meta.getToken(id)];
    res.setHeader('Cache-Control', 'no-store');
    const list: TokenList = { tokens: tokens.filter((t) => t !== null) };
    res.json(list);
  });

  router.delete('/api/v1/tokens/:id', async (req, res) => {
    const { id, admin } = caller(res);
    const target = req.params.id;
    const revoked = admin || target === id ? await ctx.meta.revokeToken(target) : null;
    if (!revoked) {
      throw new ProblemError(
        404,
        'TokenNotFound',
        `no token ${target} that you may revoke (admin revokes any token, other tokens only themselves)`,
      );
    }
    res.setHeader('Cache-Control', 'no-store');
    const answer: Token = revoked;
    res.json(answer);
  });

  return router;
}
