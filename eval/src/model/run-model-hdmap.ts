/**
 * `mim4d-eval hdmap --model`: run an HD-map model's ONNX graph over a dataroot split, decode each sample's top
 * vectors into MapTR's results file, and score it against the split's MapTR GT in the card's patch (heads.md 3.3).
 */
import { join } from 'node:path';
import { HDMAP_ROLE, topVectors } from '@mim4d/head-hdmap';
import { type ChamferResult, lidarPolyline, MAPTR_CLASSES, type MapVectorPrediction } from 'nuscenes-eval-ts';
import { type DatasetSplit, openDatasetSplit } from '../dataset-split.ts';
import { loadDatasetMapGroundTruth, writeMapGroundTruth } from '../hdmap/dataset-ground-truth.ts';
import { MapResultsWriter } from '../hdmap/results-writer.ts';
import { scoreMapResults } from '../hdmap/score-results.ts';
import { type VectorPicture, writeVectorPictures } from '../hdmap/vector-plots.ts';
import type { BatchTimes } from './batched-run.ts';
import { checkGraphMatchesCard } from './graph-contract.ts';
import { checkHdMapContract, readHdMapCard } from './hdmap-card.ts';
import { openModelSource } from './model-source.ts';
import { OnnxSession } from './onnx-session.ts';
import { chosenSamples, type PlotSelection } from './plot-selection.ts';
import { runHdMap } from './run-hdmap.ts';
import type { ZooConnection } from './zoo-model.ts';

/** Under the output directory: the results file (`--results --gt` reads it again) and the sample pictures. */
export const HDMAP_OUTPUT = { results: 'results_maptr.json', pictures: 'samples' } as const;

export interface ModelHdMapOptions {
  /** An .onnx file (card.json beside it), an export folder or a zoo reference ns/name[@rev]. */
  model: string;
  dataset: DatasetSplit;
  outputDir: string;
  batch: number;
  threads: number;
  json?: boolean;
  progress?: boolean;
  zoo?: ZooConnection;
  /** Where the results go; default `<outputDir>/results_maptr.json`. */
  resultsOut?: string;
  /** Also write the GT scored against here, as `mim4d-zoo benchmark gt` installs it. */
  groundTruthOut?: string;
  /** The precision-recall charts, and a picture per chosen sample under `<outputDir>/samples/`. */
  plots?: boolean;
  /** Which samples get a picture: every one when absent. */
  plotSamples?: PlotSelection;
}

export interface ModelHdMapResult {
  result: ChamferResult;
  results: string;
  pictures: string[];
  times: BatchTimes & { groundTruth: number; scoring: number };
}

const seconds = (start: number) => (performance.now() - start) / 1000;

export async function runModelHdMap(
  options: ModelHdMapOptions,
  io: { stdout: (t: string) => void; stderr: (t: string) => void } = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  },
): Promise<ModelHdMapResult> {
  const log = options.json ? () => {} : io.stderr;
  const source = await openModelSource(options.model, options.zoo ?? {});
  const model = readHdMapCard(source.card, source.cardSource);
  checkHdMapContract(model, source.cardSource);
  const onnxPath = await source.artifactFile(model.graph.path, HDMAP_ROLE);
  await checkGraphMatchesCard(onnxPath, model.graph, source.cardSource, HDMAP_ROLE);

  const { nusc, samples } = await openDatasetSplit(options.dataset);
  const tokens = samples.map((s) => s.token);
  const pictured = options.plots ? chosenSamples(tokens, options.plotSamples) : new Set<string>();
  let start = performance.now();
  const gt = await loadDatasetMapGroundTruth(options.dataset, model.patch);
  if (options.groundTruthOut !== undefined) await writeMapGroundTruth(gt, options.groundTruthOut);
  const groundTruth = seconds(start);

  log(
    `Model: ${onnxPath} (${source.cardSource}); ${tokens.length} samples in batches of ${options.batch}, ` +
      `${options.threads} onnxruntime threads; GT in the card's ${model.patch.width} x ${model.patch.height} m patch\n`,
  );
  const predictions = new Map<string, MapVectorPrediction[]>();
  const session = await OnnxSession.open(onnxPath, options.threads);
  const writer = await MapResultsWriter.open(
    options.resultsOut ?? join(options.outputDir, HDMAP_OUTPUT.results),
  );
  let run: BatchTimes;
  try {
    run = await runHdMap(
      session,
      nusc,
      tokens,
      model,
      async (token, outputs) => {
        // MapTR's coder keeps a flat top-k; the head keeps as many as it has vector queries.
        const vectors = topVectors(outputs, model.points, model.vectors);
        await writer.add(token, vectors);
        if (pictured.has(token)) {
          predictions.set(
            token,
            vectors.map((v) => ({ classId: v.classId, score: v.score, pts: lidarPolyline(v.pts) })),
          );
        }
      },
      { batch: options.batch, progress: options.progress },
    );
    await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  } finally {
    await session.close();
  }
  log(`Results: vectors of ${tokens.length} samples written to ${writer.path}\n`);

  start = performance.now();
  const result = await scoreMapResults(
    {
      results: writer.path,
      gt,
      outputDir: options.outputDir,
      plots: options.plots,
      json: options.json,
      progress: options.progress,
    },
    io.stdout,
  );
  const scoring = seconds(start);
  const chosen: VectorPicture[] = tokens
    .filter((t) => pictured.has(t))
    .map((token) => ({
      token,
      patch: model.patch,
      classes: MAPTR_CLASSES,
      groundTruth: gt.get(token) ?? [],
      predictions: predictions.get(token) ?? [],
    }));
  const picturesDir = join(options.outputDir, HDMAP_OUTPUT.pictures);
  const pictures = chosen.length > 0 ? await writeVectorPictures(picturesDir, chosen) : [];
  if (pictures.length > 0) log(`Pictures: ${pictures.length} samples under ${picturesDir}\n`);
  const times = { ...run, groundTruth, scoring };
  const s = (x: number) => `${x.toFixed(2)} s`;
  io.stderr(
    `Time split: GT vectors ${s(groundTruth)}, image decoding ${s(run.imageDecoding)}, onnxruntime ` +
      `${s(run.onnxruntime)}, decoding and writing ${s(run.postprocessing)}, scoring ${s(scoring)}\n` +
      `${run.samples} samples mapped in ${s(run.wall)}: ${(run.samples / run.wall).toFixed(2)} samples/s ` +
      '(image decoding runs while onnxruntime works on the previous batch)\n',
  );
  return { result, results: writer.path, pictures, times };
}
