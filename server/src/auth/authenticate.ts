import type { RequestHandler } from 'express';
import { ProblemError } from '../errors.ts';
import type { MetadataStore } from '../metadata/metadata-store.ts';
import { ANONYMOUS, type Principal } from './scopes.ts';
import { findToken } from './tokens.ts';

/** The principal of the request, set by {@link authenticate}. */
export function principalOf(res: { locals: Record<string, unknown> }): Principal {
  return (res.locals.principal as Principal | undefined) ?? ANONYMOUS;
}

/**
 * No `Authorization` header means anonymous. A header that is present but not a valid bearer token becomes a 401,
 * never a silent downgrade to anonymous, so a typo in a token is reported rather than hiding private models.
 */
export function authenticate(store: MetadataStore): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined) {
      res.locals.principal = ANONYMOUS;
      next();
      return;
    }
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    const token = match ? await findToken(store, match[1]) : null;
    const expired = token?.expiresAt !== undefined && Date.parse(token.expiresAt) <= Date.now();
    if (!token || expired) {
      // Refused by rejectFailedAuth once the rate limiter has counted it against the caller's address.
      res.locals.principal = ANONYMOUS;
      res.locals.authFailure = !match
        ? 'expected "Authorization: Bearer <token>"'
        : expired
          ? `token ${token?.id} expired at ${token?.expiresAt}`
          : 'unknown or revoked token';
      next();
      return;
    }
    res.locals.principal = { kind: 'token', tokenId: token.id, scopes: token.scopes } satisfies Principal;
    next();
  };
}

/** Answers 401 for a request whose `Authorization` header {@link authenticate} could not accept. */
export const rejectFailedAuth: RequestHandler = (_req, res, next) => {
  const failure = res.locals.authFailure as string | undefined;
  if (failure === undefined) {
    next();
    return;
  }
  res.setHeader('WWW-Authenticate', 'Bearer realm="mim4d-zoo"');
  next(new ProblemError(401, 'Unauthorized', failure));
};
