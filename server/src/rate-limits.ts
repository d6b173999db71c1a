import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { principalOf } from './auth/authenticate.ts';
import { ProblemError } from './errors.ts';

/** Requests allowed per window in each bucket, as on the HF Hub: API calls, file downloads, uploads. */
export interface RateLimitOptions {
  windowMs: number;
  api: number;
  files: number;
  uploads: number;
}

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
  bucket: keyof Omit<RateLimitOptions, 'windowMs'>,
  options: RateLimitOptions,
): RequestHandler {
  return rateLimit({
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

type Bucket = keyof Omit<RateLimitOptions, 'windowMs'>;

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
export function rateLimits(options: RateLimitOptions): RequestHandler {
  const limiters: Record<Bucket, RequestHandler> = {
    api: rateLimiter('api', options),
    files: rateLimiter('files', options),
    uploads: rateLimiter('uploads', options),
  };
  return (req, res, next) => limiters[bucketOf(req.path)](req, res, next);
}
