/** `mim4d-eval compare`: the metrics of several evaluation folders of one task, side by side. */
import { Command } from 'commander';
import { InputError } from './shared/exit-codes.ts';
import { toJson } from './shared/output.ts';

export function compareCommand(out: (text: string) => void = (t) => process.stdout.write(t)): Command {
  return new Command('compare')
    .description(
      'compare evaluation folders of one task (detection, hdmap or bev-seg): a row per metric, a column per folder, deltas against the first',
    )
    .argument(
      '<dirs...>',
      'output folders of mim4d-eval (metrics_summary.json or metrics.json); the first is the reference',
    )
    .option('--json', 'print {task, columns, folders, rows: [{metric, values, deltas}]} instead of the table')
    .action(async (dirs: string[], opts: { json?: boolean }) => {
      if (dirs.length < 2) throw new InputError('compare needs at least two folders');
      const { compareMetrics, formatComparison } = await import('../compare/compare-table.ts');
      const { readFolderMetrics } = await import('../compare/read-metrics.ts');
      const comparison = compareMetrics(await Promise.all(dirs.map(readFolderMetrics)));
      out(opts.json ? `${toJson(comparison)}\n` : formatComparison(comparison));
    });
}
