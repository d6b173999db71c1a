import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { principalOf } from './auth/authenticate.ts';
import { ProblemError } from './errors.ts';

/** Requests allowed per window in each bucket, as on the HF Hub: API calls, file downloads, uploads. */
export interface RateLimitOptions {
  windowMs: number;
  api: number;
  files: number;
  uploads: number;
}

/** Where a bucket's counters live; left out, in this process's memory (one server, no replicas). */
export type RateLimitStoreFactory = (bucket: Bucket) => Store;

type Bucket = keyof Omit<RateLimitOptions, 'windowMs'>;

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  windowMs: 5 * 60_000,
  api: 6000,
  files: 30_000,
  uploads: 2000,
};

/**
 * One limiter per bucket, keyed by token when there is one (so a team behind one NAT is not throttled as one) and
 * by client address otherwise. Sends the IETF `RateLimit` and `RateLimit-Policy` headers; 429s carry `Retry-After`.
 */
export function rateLimiter(
  bucket: Bucket,
  options: RateLimitOptions,
  store?: RateLimitStoreFactory,
): RequestHandler {
  return rateLimit({
    ...(store ? { store: store(bucket) } : {}),
    windowMs: options.windowMs,
    limit: options[bucket],
    identifier: bucket,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req, res) => {
      const principal = principalOf(res);
      return principal.kind === 'token'
        ? `token:${principal.tokenId}`
        : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    handler: (_req, _res, next, used) => {
      next(
        new ProblemError(
          429,
          'RateLimited',
          `more than ${used.limit} ${bucket} requests in ${used.windowMs / 1000} s`,
        ),
      );
    },
  });
}

function bucketOf(path: string): Bucket {
  if (
    path.startsWith('/api/v1/uploads/') ||
    /^\/api\/v1\/models\/[^/]+\/[^/]+\/(uploads|commits)$/.test(path)
  ) {
    return 'uploads';
  }
  if (path.startsWith('/api/v1/blobs/') || /^\/[^/]+\/[^/]+\/resolve\//.test(path)) return 'files';
  return 'api';
}

/** Counts each request in exactly one bucket, chosen by its path. */
export function rateLimits(options: RateLimitOptions, store?: RateLimitStoreFactory): RequestHandler {
  const limiters: Record<Bucket, RequestHandler> = {
    api: rateLimiter('api', options, store),
    files: rateLimiter('files', options, store),
    uploads: rateLimiter('uploads', options, store),
  };
  return (req, res, next) => limiters[bucketOf(req.path)](req, res, next);
}
