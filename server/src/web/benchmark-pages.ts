import {
  type Benchmark,
  type LeaderboardRow,
  rankedByDefault,
  type Submission,
} from '../leaderboards/benchmark.ts';
import { barChart } from './bar-chart.ts';
import { formatDate, formatMetric } from './format.ts';
import { type Html, html, seg } from './html.ts';
import { page } from './layout.ts';

const primarySpec = (b: Benchmark) => b.metrics.find((m) => m.key === b.primaryMetric);

export function benchmarkListPage(benchmarks: readonly { benchmark: Benchmark; rows: number }[]): string {
  return page(
    'Benchmarks',
    html`<h1>Benchmarks</h1>
<table class="benchmarks"><thead><tr><th>Benchmark</th><th>Task</th><th>Dataset</th><th>Primary metric</th><th>Rows</th></tr></thead><tbody>
${benchmarks.map(
  ({
    benchmark: b,
    rows,
  }) => html`<tr><td><a href="/benchmarks/${seg(b.id)}">${b.id}</a><br><small>${b.title}</small></td>
<td>${b.task}</td><td>${b.dataset.name} ${b.dataset.version} / ${b.dataset.split}</td>
<td>${b.primaryMetric} (${primarySpec(b)?.higherIsBetter === false ? 'lower' : 'higher'} is better)</td><td class="num">${rows}</td></tr>`,
)}
</tbody></table>`,
  );
}

function provenance(row: LeaderboardRow): Html {
  const p = row.provenance;
  const source = p.sourceUrl
    ? html`<a href="${p.sourceUrl}" rel="noopener">${p.source}</a>`
    : html`${p.source}`;
  return html`${source}<br><small>${formatDate(p.date)}${p.toolkitVersion ? ` · ${p.toolkitVersion}` : ''}${p.submissionId ? ` · ${p.submissionId}` : ''}</small>`;
}

const SUBMISSION_ERRORS_SHOWN = 5;

/** The visitor's submissions (everyone's for admin): status, and the score or what was wrong with the file. */
function submissionTable(benchmark: Benchmark, submissions: readonly Submission[]): Html {
  const spec = primarySpec(benchmark);
  const outcome = (s: Submission): Html | string => {
    if (s.status === 'verified')
      return `${benchmark.primaryMetric} ${formatMetric(s.metrics?.[benchmark.primaryMetric], spec)}`;
    if (s.status !== 'failed') return '';
    const shown = s.errors.slice(0, SUBMISSION_ERRORS_SHOWN);
    const more = s.errors.length - shown.length;
    return html`<ul class="errors">${shown.map((e) => html`<li><code>${e.path}</code>: ${e.rule}</li>`)}${more > 0 ? html`<li>${more} more</li>` : ''}</ul>`;
  };
  return html`<h2>${submissions.length === 0 ? 'No submissions of yours yet' : 'Your submissions'}</h2>
${
  submissions.length === 0
    ? ''
    : html`<table class="submissions"><thead><tr><th>Submission</th><th>Name</th><th>Status</th><th>Submitted</th><th>Result</th></tr></thead><tbody>
${submissions.map(
  (
    s,
  ) => html`<tr><td><code>${s.id}</code></td><td>${s.name}</td><td><span class="badge ${s.status}">${s.status}</span></td>
<td>${s.createdAt.replace('T', ' ').slice(0, 19)}</td><td>${outcome(s)}</td></tr>`,
)}
</tbody></table>`
}`;
}

/** Rows in their rank order, with their status badge, metrics and provenance. */
function rowTable(benchmark: Benchmark, className: string, rows: readonly LeaderboardRow[]): Html {
  return html`<table class="${className}"><thead><tr><th>#</th><th>Name</th><th>Status</th>
${benchmark.metrics.map((m) => html`<th title="${m.description}">${m.key}</th>`)}<th>Provenance</th></tr></thead><tbody>
${rows.map(
  (r, i) => html`<tr class="${r.status}"><td class="num">${i + 1}</td>
<td>${r.model ? html`<a href="/models/${r.model.split('/').map(seg).join('/')}">${r.name}</a>` : r.name}</td>
<td><span class="badge ${r.status}">${r.status}</span></td>
${benchmark.metrics.map((m) => html`<td class="num">${formatMetric(r.metrics[m.key], m)}</td>`)}
<td>${provenance(r)}</td></tr>`,
)}
</tbody></table>`;
}

export async function benchmarkPage(
  benchmark: Benchmark,
  rows: readonly LeaderboardRow[],
  groundTruthInstalled: boolean,
  /** Null for an anonymous visitor. */
  submissions: readonly Submission[] | null,
): Promise<string> {
  const spec = primarySpec(benchmark);
  const ranked = rows.filter(rankedByDefault);
  const selfReported = rows.filter((r) => !rankedByDefault(r));
  const chart = await barChart(
    `${benchmark.primaryMetric}${spec?.unit === 'fraction' ? ' (%)' : ''}`,
    ranked
      .filter((r) => typeof r.metrics[benchmark.primaryMetric] === 'number')
      .map((r) => ({
        label: r.name,
        value: r.metrics[benchmark.primaryMetric],
        shown: formatMetric(r.metrics[benchmark.primaryMetric], spec),
        kind: r.status,
      })),
  );
  return page(
    benchmark.id,
    html`<h1>${benchmark.title}</h1>
<p class="rev"><code>${benchmark.id}</code> · ${benchmark.dataset.name} ${benchmark.dataset.version}, split <b>${benchmark.dataset.split}</b> ·
ranked by ${benchmark.primaryMetric} · ground truth: ${benchmark.groundTruth}</p>
<p>${
      groundTruthInstalled
        ? html`Submissions are scored on this server with nuscenes-eval-ts: <code>POST /api/v1/benchmarks/${benchmark.id}/submissions</code>.`
        : html`This server does not score submissions for this benchmark; rows are self-reported or baselines.`
    } Fractions are shown in percent.</p>
${chart}
${rowTable(benchmark, 'leaderboard', ranked)}
${ranked.length === 0 ? html`<p class="empty">No verified rows or baselines yet.</p>` : ''}
${
  selfReported.length > 0
    ? html`<h2>Self-reported</h2>
<p>Numbers their authors reported for their own models; this server did not score them, so they are ranked apart.</p>
${rowTable(benchmark, 'self-reported-rows', selfReported)}`
    : ''
}
${submissions ? submissionTable(benchmark, submissions) : ''}`,
  );
}

export function errorPage(status: number, message: string): string {
  return page(
    `${status}`,
    html`<h1>${status}</h1><p>${message}</p><p><a href="/">Back to the models</a></p>`,
  );
}
