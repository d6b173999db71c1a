import express, { type Express } from 'express';
import helmet from 'helmet';
import { authenticate, rejectFailedAuth } from './auth/authenticate.ts';
import { BlobIntegrity } from './blob-integrity.ts';
import type { ZooContext } from './context.ts';
import { errorHandler, routeNotFound } from './errors.ts';
import type { Leaderboards } from './leaderboards/leaderboards.ts';
import type { MetadataStore } from './metadata/metadata-store.ts';
import { openApiDocument } from './openapi.ts';
import {
  DEFAULT_RATE_LIMITS,
  type RateLimitOptions,
  type RateLimitStoreFactory,
  rateLimits,
} from './rate-limits.ts';
import { requestId } from './request-id.ts';
import { benchmarkRoutes } from './routes/benchmarks.ts';
import { commitRoutes } from './routes/commits.ts';
import { fileRoutes } from './routes/files.ts';
import { hfApiRoutes } from './routes/hf-api.ts';
import { modelRoutes } from './routes/models.ts';
import { bodyDeadline } from './routes/request-bodies.ts';
import { submissionRoutes } from './routes/submissions.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { uploadRoutes } from './routes/uploads.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { webRoutes } from './web/web-routes.ts';

export interface ZooAppOptions {
  blobs: BlobStore;
  meta: MetadataStore;
  /** Largest blob accepted, bytes. Default 64 GiB. */
  maxUploadBytes?: number;
  /** Largest JSON body (commit with card), bytes. Default 4 MiB. */
  maxJsonBytes?: number;
  /** Time a request body other than an upload may take to arrive, ms. Default 30 s. */
  bodyTimeoutMs?: number;
  /** `false` turns rate limiting off (tests, trusted networks). */
  rateLimits?: RateLimitOptions | false;
  /** Where rate-limit counters live; left out, in this process (replicas need them in their shared database). */
  rateLimitStore?: RateLimitStoreFactory;
  /** Set when behind a reverse proxy, so limits key on the client's address (Express `trust proxy`). */
  trustProxy?: boolean | number | string;
  log?: (line: string) => void;
  /** Benchmarks, submissions and their pages; left out, those routes answer 404. */
  leaderboards?: Leaderboards;
}

export interface ZooApp {
  app: Express;
  context: ZooContext;
}

/** Builds the zoo's Express app over the given stores; the caller owns listening and closing. */
export function createApp(options: ZooAppOptions): ZooApp {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const context: ZooContext = {
    blobs: options.blobs,
    meta: options.meta,
    integrity: new BlobIntegrity(options.blobs, options.meta, log),
    limits: {
      maxUploadBytes: options.maxUploadBytes ?? 64 * 2 ** 30,
      maxJsonBytes: options.maxJsonBytes ?? 4 * 2 ** 20,
      bodyTimeoutMs: options.bodyTimeoutMs ?? 30_000,
    },
    log,
  };
  const app = express();
  app.disable('x-powered-by');
  // Routes set strong ETags themselves; Express's automatic weak ones would only shadow them.
  app.set('etag', false);
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  const limits = options.rateLimits ?? DEFAULT_RATE_LIMITS;

  app.use(requestId);
  app.use(helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } }));
  app.use(authenticate(context.meta));
  if (limits) app.use(rateLimits(limits, options.rateLimitStore));
  app.use(rejectFailedAuth);
  // Routes read bodies themselves, after their authorisation check (request-bodies.ts).
  app.use(bodyDeadline(context.limits.bodyTimeoutMs));
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.use(hfApiRoutes(context));
  app.use(modelRoutes(context));
  app.use(uploadRoutes(context));
  app.use(commitRoutes(context));
  app.use(fileRoutes(context));
  app.use(tokenRoutes(context));
  if (options.leaderboards) {
    app.use(benchmarkRoutes(context, options.leaderboards));
    app.use(submissionRoutes(context, options.leaderboards));
  }
  app.use(webRoutes(context, options.leaderboards));
  app.use(routeNotFound);
  app.use(errorHandler(log));
  return { app, context };
}
