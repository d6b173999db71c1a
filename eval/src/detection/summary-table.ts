/** The devkit's terminal summary (`DetectionEval.main`), character for character where values agree. */
import { type DETECTION_NAMES, type DetectionMetricsSummary, TP_METRICS } from 'nuscenes-eval-ts/detection';

const ERROR_LABELS: Record<(typeof TP_METRICS)[number], string> = {
  trans_err: 'mATE',
  scale_err: 'mASE',
  orient_err: 'mAOE',
  vel_err: 'mAVE',
  attr_err: 'mAAE',
};

/** Python's `%.Nf`: NaN prints as `nan`. */
function fixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  return x.toFixed(digits);
}

/** Python's `%-6.3f`. */
function cell(x: number): string {
  return fixed(x, 3).padEnd(6);
}

export function formatDetectionSummary(summary: DetectionMetricsSummary): string {
  const lines = [`mAP: ${fixed(summary.mean_ap, 4)}`];
  for (const metric of TP_METRICS)
    lines.push(`${ERROR_LABELS[metric]}: ${fixed(summary.tp_errors[metric], 4)}`);
  lines.push(`NDS: ${fixed(summary.nd_score, 4)}`);
  lines.push(`Eval time: ${fixed(summary.eval_time, 1)}s`);
  lines.push('');
  lines.push('Per-class results:');
  lines.push(
    ['Object Class'.padEnd(20), 'AP    ', 'ATE   ', 'ASE   ', 'AOE   ', 'AVE   ', 'AAE   '].join('\t'),
  );
  const names = Object.keys(summary.mean_dist_aps) as (typeof DETECTION_NAMES)[number][];
  for (const name of names) {
    const tp = summary.label_tp_errors[name];
    lines.push(
      [
        name.padEnd(20),
        cell(summary.mean_dist_aps[name]),
        cell(tp.trans_err),
        cell(tp.scale_err),
        cell(tp.orient_err),
        cell(tp.vel_err),
        cell(tp.attr_err),
      ].join('\t'),
    );
  }
  return `${lines.join('\n')}\n`;
}
