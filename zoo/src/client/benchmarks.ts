/** Benchmarks and their leaderboards: GET /api/v1/benchmarks..., and self-reported rows. */
import type {
  Benchmark,
  BenchmarkList,
  Leaderboard,
  LeaderboardRow,
  RowStatus,
  SelfReportedRowRequest,
} from '../wire/benchmarks.ts';
import { encodePath, type ZooHttp } from './zoo-http.ts';

export async function listBenchmarks(http: ZooHttp): Promise<Benchmark[]> {
  const list = await http.json<BenchmarkList>('api/v1/benchmarks', { what: 'list benchmarks' });
  return list.benchmarks;
}

export function getBenchmark(http: ZooHttp, id: string): Promise<Benchmark> {
  return http.json<Benchmark>(`api/v1/benchmarks/${encodePath(id)}`, { what: `benchmark ${id}` });
}

/** Rows ranked by the primary metric: verified rows and baselines, or only the rows of one `status`. */
export function getLeaderboard(http: ZooHttp, id: string, status?: RowStatus): Promise<Leaderboard> {
  const query = status ? `?${new URLSearchParams({ status })}` : '';
  return http.json<Leaderboard>(`api/v1/benchmarks/${encodePath(id)}/leaderboard${query}`, {
    what: `leaderboard of ${id}`,
  });
}

/** Adds a self-reported row (ranked apart from verified ones) for a model the token may write to. */
export function reportResults(
  http: ZooHttp,
  id: string,
  row: SelfReportedRowRequest,
): Promise<LeaderboardRow> {
  return http.json<LeaderboardRow>(`api/v1/benchmarks/${encodePath(id)}/self-reported`, {
    what: `report results of ${row.model} on ${id}`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(row),
  });
}
