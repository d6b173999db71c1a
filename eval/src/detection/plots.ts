/** Precision-recall and TP-error curves as PNG files, like the devkit's `render` (which writes PDFs). */
import { join } from 'node:path';
import { type LineChartSpec, renderLineChart, type Series } from '@mim4d/plots';
import {
  type DetectionMetricData,
  type DetectionMetricsSummary,
  type DetectionName,
  isExcludedTpMetric,
  type MetricDataList,
  maxRecallIndex,
  metricDataKey,
  pythonFloatKey,
  TP_METRICS,
} from 'nuscenes-eval-ts';
import { writeFileAtomic } from '../cli/shared/atomic-file.ts';

const TP_LABELS = {
  trans_err: 'Trans. (m)',
  scale_err: 'Scale (1-IOU)',
  orient_err: 'Orient. (rad.)',
  vel_err: 'Vel. (m/s)',
  attr_err: 'Attr. (1-acc.)',
} as const;

function minPrecisionLine(level: number): Series {
  const x = Array.from({ length: 101 }, (_, i) => i / 100);
  return { label: `min. precision ${level}`, x, y: x.map(() => level), color: '#787878', dashed: true };
}

function md(list: MetricDataList, name: DetectionName, th: number): DetectionMetricData {
  const data = list.get(metricDataKey(name, th));
  if (!data) throw new Error(`no metric data for ${metricDataKey(name, th)}`);
  return data;
}

function pct(x: number): string {
  return (100 * x).toFixed(1);
}

/** Writes `plots/<class>_pr.png`, `plots/<class>_tp.png` and `plots/dist_pr_<th>.png`; returns the paths. */
export async function writeDetectionPlots(
  summary: DetectionMetricsSummary,
  list: MetricDataList,
  outputDir: string,
): Promise<string[]> {
  const dir = join(outputDir, 'plots');
  const cfg = summary.cfg;
  const names = Object.keys(cfg.class_range) as DetectionName[];
  const charts: [string, LineChartSpec][] = [];
  const pr = (title: string, series: Series[]): LineChartSpec => ({
    title,
    xLabel: 'Recall',
    yLabel: 'Precision',
    xRange: [0, 1],
    yRange: [0, 1],
    series: [...series, minPrecisionLine(cfg.min_precision)],
  });

  for (const name of names) {
    charts.push([
      `${name}_pr.png`,
      pr(
        `${name}: AP ${pct(summary.mean_dist_aps[name])}`,
        cfg.dist_ths.map((th) => {
          const data = md(list, name, th);
          const ap = summary.label_aps[name][pythonFloatKey(th)];
          return { label: `dist. ${th} m, AP ${pct(ap)}`, x: data.recall, y: data.precision };
        }),
      ),
    ]);
    const tpData = md(list, name, cfg.dist_th_tp);
    const last = maxRecallIndex(tpData);
    const series: Series[] = TP_METRICS.filter((m) => !isExcludedTpMetric(name, m)).map((m) => ({
      label: `${TP_LABELS[m]}: ${summary.label_tp_errors[name][m].toFixed(2)}`,
      x: tpData.recall.subarray(0, last + 1),
      y: tpData[m].subarray(0, last + 1),
    }));
    const yMax = Math.max(
      1,
      ...series.flatMap((s) => Array.from(s.y).filter((v): v is number => v !== null && Number.isFinite(v))),
    );
    charts.push([
      `${name}_tp.png`,
      {
        title: `${name}: TP errors at ${cfg.dist_th_tp} m`,
        xLabel: 'Recall',
        yLabel: 'Error',
        xRange: [0, 1],
        yRange: [0, yMax * 1.05],
        series,
      },
    ]);
  }
  for (const th of cfg.dist_ths) {
    charts.push([
      `dist_pr_${pythonFloatKey(th)}.png`,
      pr(
        `All classes at ${th} m`,
        names.map((name) => ({
          label: `${name}: AP ${pct(summary.label_aps[name][pythonFloatKey(th)])}`,
          x: md(list, name, th).recall,
          y: md(list, name, th).precision,
        })),
      ),
    ]);
  }
  const paths: string[] = [];
  for (const [file, spec] of charts) {
    const path = join(dir, file);
    await writeFileAtomic(path, await renderLineChart(spec));
    paths.push(path);
  }
  return paths;
}
