import express, { type RequestHandler } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import type { ZooContext } from '../context.ts';
import { ProblemError, sendProblem } from '../errors.ts';
import { requireWrite } from './lookup.ts';

/**
 * Reading a request body is the last step before a handler runs: the caller is authorised first (so a stranger
 * cannot hold connections open by trickling bodies the server would refuse anyway), and a body that does not arrive
 * within the body time limit is answered 408 and its connection closed. Only the upload routes, whose bodies may
 * take hours, stream without that limit.
 */

/** Named path parameters, each one path segment (the routes that read bodies have no wildcards). */
type PathParams = Record<string, string>;

/** Parses a JSON body of at most the server's JSON limit. */
export function jsonBody(ctx: ZooContext): RequestHandler<PathParams> {
  return express.json({ limit: ctx.limits.maxJsonBytes, strict: true }) as RequestHandler<PathParams>;
}

/** Before the body: 401/403 unless the token may write to the namespace in the `ns` path parameter. */
export const writerOfNamespace: RequestHandler<PathParams> = (req, res, next) => {
  requireWrite(res, req.params.ns);
  next();
};

/** Before the body: 401 for anonymous callers. */
export function anyToken(what: string): RequestHandler<PathParams> {
  return (_req, res, next) => {
    if (principalOf(res).kind === 'anonymous') {
      throw new ProblemError(401, 'Unauthorized', `${what} needs a bearer token`);
    }
    next();
  };
}

/** Paths whose bodies are uploads (blobs, submitted result files): streamed, however long they take. */
function isUpload(path: string): boolean {
  return path.startsWith('/api/v1/uploads/') || /^\/api\/v1\/benchmarks\/[^/]+\/submissions$/.test(path);
}

/** Answers 408 (and closes the connection) when a request's body is not complete `ms` after its headers. */
export function bodyDeadline(ms: number): RequestHandler {
  return (req, res, next) => {
    if (req.complete || isUpload(req.path)) {
      next();
      return;
    }
    const timer = setTimeout(() => {
      if (req.complete) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendProblem(
        res,
        new ProblemError(408, 'RequestTimeout', `the request body did not arrive within ${ms / 1000} s`),
      );
    }, ms);
    const done = () => clearTimeout(timer);
    req.once('end', done);
    res.once('close', done);
    next();
  };
}
