/**
 * `mim4d-eval detection`: load ground truth (an EvalBoxes file, or a dataroot + split with the devkit's
 * filters), stream the submission, evaluate, and write the devkit's output files.
 */
import {
  checkSameSamples,
  DETECTION_CVPR_2019,
  type DetectionConfig,
  DetectionInputError,
  type DetectionMetricsSummary,
  type EvalBoxes,
  evaluateDetection,
  type FilterCounts,
  filterEvalBoxes,
  loadEvalBoxesFile,
  loadPredictionFile,
  type MetricDataList,
  serializeMetricData,
} from 'nuscenes-eval-ts/detection';
import { InputError } from '../cli/shared/exit-codes.ts';
import { progressBar, toJson, writeJsonFile } from '../cli/shared/output.ts';
import type { DatasetGroundTruth, DatasetSplit } from './dataset-ground-truth.ts';
import { formatDetectionSummary } from './summary-table.ts';

export interface DetectionRunOptions {
  /** Submission file `{meta, results}`. */
  results: string;
  /** Ground truth in evaluation form; evaluated as given, without filters. */
  gt?: string;
  /** Ground truth from a dataset; the devkit's range, point and bike-rack filters apply. */
  dataset?: DatasetSplit;
  outputDir: string;
  plots?: boolean;
  /** Print the metrics as JSON on stdout instead of the table. */
  json?: boolean;
  /** Show progress bars (default: when stderr is a terminal). */
  progress?: boolean;
  /**
   * Worker threads parsing the samples not in the usual form while the files are read (nuscenes-eval-ts's
   * default: 2); 0: none.
   */
  loadWorkers?: number;
}

export interface DetectionRunIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface DetectionRunResult {
  summary: DetectionMetricsSummary & { meta?: unknown };
  metricData: MetricDataList;
  files: string[];
}

const defaultIo: DetectionRunIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export async function withInputErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DetectionInputError) throw new InputError(err.message);
    throw err;
  }
}

async function fileSize(path: string): Promise<number> {
  const { stat } = await import('node:fs/promises');
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

async function loadStreamed<T>(
  label: string,
  path: string,
  showProgress: boolean | undefined,
  load: (onBytes: (n: number) => void) => Promise<T>,
): Promise<T> {
  const size = await fileSize(path);
  const mb = (n: number) => Math.round(n / 1e6);
  const bar = progressBar(label, Math.max(1, mb(size)), 'MB', showProgress ?? process.stderr.isTTY);
  try {
    return await load((n) => bar.update(mb(n)));
  } finally {
    bar.stop();
  }
}

function describeFilter(what: string, c: FilterCounts): string {
  return `${what}: ${c.total} boxes, ${c.afterDistance} within class range, ${c.afterPoints} with points, ${c.afterBikeRacks} outside bike racks\n`;
}

export async function runDetection(
  options: DetectionRunOptions,
  io: DetectionRunIo = defaultIo,
): Promise<DetectionRunResult> {
  if ((options.gt === undefined) === (options.dataset === undefined)) {
    throw new InputError(
      'give either --gt G.json or --dataroot D --version V --split S (exactly one of them)',
    );
  }
  const cfg = DETECTION_CVPR_2019;
  const log = options.json ? () => {} : io.stderr;

  let gt: EvalBoxes;
  let filterContext: DatasetGroundTruth['context'] | undefined;
  if (options.gt !== undefined) {
    const gtPath = options.gt;
    gt = await withInputErrors(() =>
      loadStreamed('Loading ground truth', gtPath, options.progress, (onBytes) =>
        loadEvalBoxesFile(gtPath, { onBytes, workers: options.loadWorkers }),
      ),
    );
  } else {
    // Loaded on demand, as the plots below: the dataset reader and the plotting stack take longer to load
    // than a validation-sized submission takes to score.
    const { loadDatasetGroundTruth } = await import('./dataset-ground-truth.ts');
    const loaded = await loadDatasetGroundTruth(options.dataset!);
    gt = loaded.gt;
    filterContext = loaded.context;
  }
  log(`Ground truth: ${gt.boxes.count} boxes in ${gt.sampleTokens.length} samples\n`);

  const submission = await withInputErrors(() =>
    loadStreamed('Loading results', options.results, options.progress, (onBytes) =>
      loadPredictionFile(options.results, {
        onBytes,
        maxBoxesPerSample: cfg.max_boxes_per_sample,
        workers: options.loadWorkers,
      }),
    ),
  );
  log(`Results: ${submission.boxes.boxes.count} boxes in ${submission.boxes.sampleTokens.length} samples\n`);
  return scoreDetection(
    { gt, pred: submission.boxes, meta: submission.meta, filterContext, cfg },
    options,
    io,
  );
}

export interface DetectionScoringInput {
  gt: EvalBoxes;
  pred: EvalBoxes;
  /** The submission's `meta`, copied into the summary as the devkit does. */
  meta: unknown;
  /** Per-sample ego translation and bike racks: GT and predictions are then filtered with cfg.class_range. */
  filterContext?: DatasetGroundTruth['context'];
  cfg: DetectionConfig;
}

/**
 * Filters (when a dataset gave the GT), evaluates and writes the devkit's files: the half of `runDetection`
 * that a model run shares, with its own class ranges in `cfg`.
 */
export async function scoreDetection(
  input: DetectionScoringInput,
  options: Pick<DetectionRunOptions, 'outputDir' | 'plots' | 'json' | 'progress'>,
  io: DetectionRunIo = defaultIo,
): Promise<DetectionRunResult> {
  const { cfg } = input;
  const log = options.json ? () => {} : io.stderr;
  let { gt, pred } = input;
  await withInputErrors(async () => checkSameSamples(gt, pred));
  if (input.filterContext) {
    const context = input.filterContext;
    const lookup = (token: string) => context.get(token)!;
    const filteredPred = filterEvalBoxes(pred, lookup, cfg.class_range);
    const filteredGt = filterEvalBoxes(gt, lookup, cfg.class_range);
    log(describeFilter('Filtered results', filteredPred.counts));
    log(describeFilter('Filtered ground truth', filteredGt.counts));
    pred = filteredPred.boxes;
    gt = filteredGt.boxes;
  }

  const pairs = Object.keys(cfg.class_range).length * cfg.dist_ths.length;
  const bar = progressBar(
    'Accumulating',
    pairs,
    'class x threshold',
    options.progress ?? process.stderr.isTTY,
  );
  const evaluation = await withInputErrors(async () =>
    evaluateDetection(gt, pred, { cfg, onProgress: (done) => bar.update(done) }),
  ).finally(() => bar.stop());

  const summary: DetectionRunResult['summary'] = { ...evaluation.summary };
  if (input.meta !== undefined) summary.meta = input.meta;
  const details = Object.fromEntries(
    [...evaluation.metricData].map(([key, md]) => [key, serializeMetricData(md)]),
  );
  const files = [
    await writeJsonFile(options.outputDir, 'metrics_summary.json', summary),
    await writeJsonFile(options.outputDir, 'metrics_details.json', details),
  ];
  if (options.plots) {
    const { writeDetectionPlots } = await import('./plots.ts');
    files.push(...(await writeDetectionPlots(evaluation.summary, evaluation.metricData, options.outputDir)));
  }

  if (options.json) io.stdout(`${toJson(summary)}\n`);
  else {
    io.stdout(formatDetectionSummary(evaluation.summary));
    io.stdout(`\nWrote ${files.length} files to ${options.outputDir}\n`);
  }
  return { summary, metricData: evaluation.metricData, files };
}
