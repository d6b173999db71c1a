import type { ModelCard, TensorSpec } from '@mim4d/zoo';
import type { Benchmark, LeaderboardRow } from '../leaderboards/benchmark.ts';
import type { ModelRecord, RevisionRecord } from '../metadata/metadata-store.ts';
import { formatBytes, formatCount, formatDate, formatMetric } from './format.ts';
import { type Html, html, seg } from './html.ts';
import { page } from './layout.ts';

export interface ListedModel {
  model: ModelRecord;
  card: ModelCard | undefined;
}

const modelHref = (m: ModelRecord) => `/models/${seg(m.namespace)}/${seg(m.name)}`;

export function modelListPage(models: readonly ListedModel[], q: string, nextHref: string | null): string {
  return page(
    'Models',
    html`<h1>Models</h1>
<form class="search" method="get" action="/" role="search">
<input type="search" name="q" value="${q}" placeholder="Search models by namespace or name" aria-label="Search models">
<button type="submit">Search</button>
</form>
${
  models.length === 0
    ? html`<p class="empty">${q ? `No model matches "${q}".` : 'No models are published yet.'}</p>`
    : html`<ul class="models">${models.map(
        ({
          model,
          card,
        }) => html`<li><a class="model-id" href="${modelHref(model)}">${model.namespace}/${model.name}</a>
${model.private ? html`<span class="badge private">private</span>` : ''}
<p>${card?.summary ?? ''}</p>
<small>${card?.architecture ? `${card.architecture.family} · ${card.architecture.backbone} · ` : ''}created ${formatDate(model.createdAt)}</small></li>`,
      )}</ul>`
}
${nextHref ? html`<p><a class="next" href="${nextHref}">Next page</a></p>` : ''}`,
  );
}

function cardFacts(card: ModelCard): Html {
  const facts: [string, string][] = [
    ['Name', card.name],
    ['License', card.license],
    [
      'Architecture',
      [card.architecture.family, card.architecture.backbone, card.architecture.neck]
        .filter(Boolean)
        .join(' · '),
    ],
  ];
  if (card.architecture.params) facts.push(['Parameters', formatCount(card.architecture.params)]);
  const sensors = Object.entries(card.sensors ?? {})
    .filter(([, on]) => on)
    .map(([s]) => s);
  if (sensors.length) facts.push(['Sensors', sensors.join(', ')]);
  if (card.training?.datasets) facts.push(['Training data', card.training.datasets.join(', ')]);
  return html`<dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** Each ONNX artifact's graph inputs and outputs as the card declares them (the server checked them on commit). */
function onnxIo(card: ModelCard): Html {
  const graphs = card.artifacts.filter((a) => a.format === 'onnx' && a.io);
  if (graphs.length === 0) return html``;
  const tensor = (kind: string, t: TensorSpec) =>
    html`<tr><td>${kind}</td><td><code>${t.name}</code></td><td>${t.dtype}</td><td><code>${t.shape === null ? 'any rank' : `[${t.shape.map((d) => d ?? '?').join(', ')}]`}</code></td></tr>`;
  return html`<section><h2>ONNX inputs and outputs</h2>${graphs.map(
    (a) => html`<h3><code>${a.path}</code>${a.io?.opset ? ` · opset ${a.io.opset}` : ''}</h3>
<table class="io"><thead><tr><th></th><th>Name</th><th>dtype</th><th>Shape</th></tr></thead><tbody>
${(a.io?.inputs ?? []).map((t) => tensor('input', t))}${(a.io?.outputs ?? []).map((t) => tensor('output', t))}
</tbody></table>`,
  )}</section>`;
}

function filesTable(model: ModelRecord, revision: RevisionRecord): Html {
  return html`<table class="files"><thead><tr><th>File</th><th>Size</th><th>sha256</th></tr></thead><tbody>
${revision.files.map(
  (
    f,
  ) => html`<tr><td><a href="/${seg(model.namespace)}/${seg(model.name)}/resolve/${revision.id}/${f.path.split('/').map(seg).join('/')}" download>${f.path}</a></td>
<td class="num">${formatBytes(f.sizeBytes)}</td><td><code class="sha">${f.sha256}</code></td></tr>`,
)}
</tbody></table>`;
}

function resultsTable(
  rows: readonly LeaderboardRow[],
  benchmarks: ReadonlyMap<string, Benchmark>,
  card: ModelCard | undefined,
): Html {
  const cardResults = card?.results ?? [];
  if (rows.length === 0 && cardResults.length === 0)
    return html`<p class="empty">No results reported yet.</p>`;
  const line = (benchmarkId: string, status: string, metrics: Record<string, number>, source: string) => {
    const b = benchmarks.get(benchmarkId);
    return html`<tr><td>${b ? html`<a href="/benchmarks/${seg(benchmarkId)}">${benchmarkId}</a>` : benchmarkId}</td>
<td><span class="badge ${status}">${status}</span></td>
<td>${Object.entries(metrics).map(
      ([k, v]) =>
        html`<span class="metric">${k} ${formatMetric(
          v,
          b?.metrics.find((m) => m.key === k),
        )}</span> `,
    )}</td><td>${source}</td></tr>`;
  };
  return html`<table class="results"><thead><tr><th>Benchmark</th><th>Status</th><th>Metrics (fractions in %)</th><th>Source</th></tr></thead><tbody>
${rows.map((r) => line(r.benchmark, r.status, r.metrics, r.provenance.source))}
${cardResults.map((r) => line(r.benchmark, 'self-reported', r.metrics as Record<string, number>, 'model card'))}
</tbody></table>`;
}

export function modelPage(
  model: ModelRecord,
  revision: RevisionRecord | null,
  rows: readonly LeaderboardRow[],
  benchmarks: ReadonlyMap<string, Benchmark>,
): string {
  const card = revision?.card;
  return page(
    `${model.namespace}/${model.name}`,
    html`<h1>${model.namespace}/${model.name} ${model.private ? html`<span class="badge private">private</span>` : ''}</h1>
${card ? html`<p class="summary">${card.summary}</p>` : ''}
${revision ? html`<p class="rev">Revision <code>${revision.id}</code> · ${formatDate(revision.createdAt)}${revision.message ? ` · ${revision.message}` : ''}</p>` : ''}
${revision ? html`<section><h2>Get it</h2><pre class="pull"><code>mim4d-zoo pull ${model.namespace}/${model.name}@${revision.id}</code></pre></section>` : ''}
<section><h2>Card</h2>${card ? cardFacts(card) : html`<p class="empty">No card.</p>`}</section>
${card ? onnxIo(card) : ''}
<section><h2>Files</h2>${revision ? filesTable(model, revision) : html`<p class="empty">No files.</p>`}</section>
<section><h2>Results</h2>${resultsTable(rows, benchmarks, card)}</section>`,
  );
}
