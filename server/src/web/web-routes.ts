import { readFileSync } from 'node:fs';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import { privateVisibility, seesSubmissionsOf } from '../auth/scopes.ts';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import type { Benchmark } from '../leaderboards/benchmark.ts';
import type { Leaderboards } from '../leaderboards/leaderboards.ts';
import { visibleRows } from '../leaderboards/row-visibility.ts';
import { findVisibleModel } from '../routes/lookup.ts';
import { benchmarkListPage, benchmarkPage, errorPage } from './benchmark-pages.ts';
import { type ListedModel, modelListPage, modelPage } from './model-pages.ts';

const STYLESHEET = readFileSync(new URL('./zoo.css', import.meta.url));
const PAGE_SIZE = 50;

type Handler = (req: Request, res: Response) => Promise<string>;

/** Sends the page; a ProblemError (404 for a hidden model...) becomes an HTML page with the same status. */
function htmlPage(handler: Handler) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const body = await handler(req, res);
      res.setHeader('Cache-Control', 'no-cache');
      res.type('html').send(body);
    } catch (error) {
      if (!(error instanceof ProblemError)) {
        next(error);
        return;
      }
      res.setHeader('X-Error-Code', error.code);
      res.status(error.status).type('html').send(errorPage(error.status, error.detail));
    }
  };
}

const SUBMISSIONS_SHOWN = 20;

/** Server-rendered pages: model list, model page, benchmarks and leaderboards. */
export function webRoutes(ctx: ZooContext, boards: Leaderboards | undefined): Router {
  const router = Router();
  const requireBoards = (): Leaderboards => {
    if (!boards) throw new ProblemError(404, 'RouteNotFound', 'this server has no leaderboards');
    return boards;
  };
  const benchmarksById = async (): Promise<Map<string, Benchmark>> =>
    new Map(boards ? (await boards.store.listBenchmarks()).map((b) => [b.id, b]) : []);

  router.get('/static/zoo.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('css').send(STYLESHEET);
  });

  router.get(
    '/',
    htmlPage(async (req, res) => {
      const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
      const after = typeof req.query.after === 'string' ? req.query.after : undefined;
      const listing = await ctx.meta.listModels({
        q: q || undefined,
        after: after && /^[^/]+\/[^/]+$/.test(after) ? after : undefined,
        limit: PAGE_SIZE,
        visibility: privateVisibility(principalOf(res)),
      });
      const models: ListedModel[] = [];
      for (const model of listing.models) {
        models.push({ model, card: (await ctx.meta.getRevision(model.head))?.card });
      }
      const next = listing.next
        ? `/?${new URLSearchParams({ ...(q ? { q } : {}), after: listing.next })}`
        : null;
      return modelListPage(models, q, next);
    }),
  );

  router.get(
    '/models/:ns/:name',
    htmlPage(async (req, res) => {
      const model = await findVisibleModel(ctx, res, req.params.ns as string, req.params.name as string);
      const refs = await ctx.meta.getRefs(model);
      const revision = await ctx.meta.getRevision(refs.main ?? model.head);
      const rows = boards ? await boards.store.rowsOfModel(`${model.namespace}/${model.name}`) : [];
      return modelPage(model, revision, rows, await benchmarksById());
    }),
  );

  router.get(
    '/benchmarks',
    htmlPage(async (_req, res) => {
      const store = requireBoards().store;
      const list = [];
      for (const benchmark of await store.listBenchmarks()) {
        const rows = await visibleRows(ctx.meta, principalOf(res), await store.listRows(benchmark.id));
        list.push({ benchmark, rows: rows.length });
      }
      return benchmarkListPage(list);
    }),
  );

  router.get(
    '/benchmarks/:id',
    htmlPage(async (req, res) => {
      const lb = requireBoards();
      const benchmark = await lb.store.getBenchmark(req.params.id as string);
      if (!benchmark) throw new ProblemError(404, 'BenchmarkNotFound', `no benchmark "${req.params.id}"`);
      const principal = principalOf(res);
      const rows = await visibleRows(ctx.meta, principal, await lb.store.listRows(benchmark.id));
      const whose = seesSubmissionsOf(principal);
      const submissions =
        whose === undefined ? null : await lb.store.listSubmissions(benchmark.id, whose, SUBMISSIONS_SHOWN);
      return benchmarkPage(benchmark, rows, (await lb.currentGroundTruth(benchmark)) !== null, submissions);
    }),
  );

  return router;
}
