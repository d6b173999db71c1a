import type { Command } from 'commander';
import { type LeaderboardRow, ROW_STATUSES, type RowStatus } from '../wire/benchmarks.ts';
import { type ConnectionOptions, clientFrom, reporting, withConnection } from './connection.ts';

const isRowStatus = (value: string): value is RowStatus =>
  (ROW_STATUSES as readonly string[]).includes(value);

/** The primary metric first, then the others by key: `NDS=0.41  mAP=0.33`. */
function metricCells(row: LeaderboardRow, primary: string): string[] {
  const keys = Object.keys(row.metrics).sort(
    (a, b) => Number(b === primary) - Number(a === primary) || a.localeCompare(b),
  );
  return keys.map((key) => `${key}=${row.metrics[key]}`);
}

/** Adds `benchmarks` and `leaderboard`, read through the zoo's API. */
export function addBenchmarkCommands(program: Command): void {
  withConnection(
    program
      .command('benchmarks')
      .description('list the benchmarks of a zoo: id, task, primary metric, whether it scores submissions')
      .option('--json', 'one JSON object per line'),
  ).action((opts: ConnectionOptions & { json?: boolean }) =>
    reporting(async () => {
      const benchmarks = await (await clientFrom(opts)).listBenchmarks();
      for (const b of benchmarks) {
        const scoring = b.groundTruthInstalled ? 'scores submissions' : 'self-reported rows only';
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(b)}\n`
            : `${b.id}\t${b.task}\t${b.primaryMetric}\t${scoring}\t${b.title}\n`,
        );
      }
      if (benchmarks.length === 0) process.stderr.write('no benchmarks on this zoo\n');
    }),
  );

  withConnection(
    program
      .command('leaderboard')
      .description(
        'the rows of a benchmark ranked by its primary metric (verified rows and baselines by default)',
      )
      .argument('<benchmark>', 'benchmark id, e.g. nuscenes-detection@v1')
      .option('--status <status>', `only rows of one kind: ${ROW_STATUSES.join(', ')}`)
      .option('--json', 'one JSON object per line'),
  ).action((benchmark: string, opts: ConnectionOptions & { status?: string; json?: boolean }) =>
    reporting(async () => {
      const status = opts.status;
      if (status !== undefined && !isRowStatus(status)) {
        throw new Error(`--status "${status}" must be one of ${ROW_STATUSES.join(', ')}`);
      }
      const board = await (await clientFrom(opts)).leaderboard(benchmark, status);
      board.rows.forEach((row, i) => {
        const cells = [
          String(i + 1),
          row.name,
          row.model ?? '-',
          row.status,
          ...metricCells(row, board.primaryMetric),
        ];
        process.stdout.write(opts.json ? `${JSON.stringify(row)}\n` : `${cells.join('\t')}\n`);
      });
      if (board.rows.length === 0)
        process.stderr.write(`no rows on ${board.benchmark} visible to this token\n`);
    }),
  );
}
