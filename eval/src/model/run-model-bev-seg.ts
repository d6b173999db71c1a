/**
 * `mim4d-eval bev-seg --model`: run a BEV segmenter's ONNX graph over a dataroot split, write its probabilities and
 * the split's BEVFusion GT masks as the .npy sets the scorer (and the zoo's bev-seg benchmark) read, then score them.
 */
import { join } from 'node:path';
import { BEV_SEG_ROLE } from '@mim4d/head-bev-seg';
import { loadKeyFrame } from '@mim4d/pretrain';
import { BEVFUSION_MAP_CLASSES, type SegmentationResult } from 'nuscenes-eval-ts';
import { writeDatasetMasks } from '../bevseg/dataset-masks.ts';
import { NpyFolderWriter } from '../bevseg/npy-folder.ts';
import { type SamplePicture, writeSamplePictures } from '../bevseg/sample-plots.ts';
import { scoreSegmentationFiles } from '../bevseg/score-files.ts';
import { type DatasetSplit, openDatasetSplit } from '../dataset-split.ts';
import type { BatchTimes } from './batched-run.ts';
import { readBevSegCard } from './bev-seg-card.ts';
import { checkBevSegContract } from './bev-seg-contract.ts';
import { checkGraphMatchesCard } from './graph-contract.ts';
import { openModelSource } from './model-source.ts';
import { OnnxSession } from './onnx-session.ts';
import { chosenSamples, type PlotSelection } from './plot-selection.ts';
import { runBevSeg } from './run-bev-seg.ts';
import type { ZooConnection } from './zoo-model.ts';

/** Folders under the output directory, in the layout `mim4d-eval bev-seg --results --gt` reads. */
export const BEV_SEG_OUTPUT = { probs: 'probs', masks: 'masks', pictures: 'samples' } as const;

export interface ModelBevSegOptions {
  /** An .onnx file (card.json beside it), an export folder or a zoo reference ns/name[@rev]. */
  model: string;
  dataset: DatasetSplit;
  outputDir: string;
  /** Where the probabilities go; default `<outputDir>/probs`. */
  resultsOut?: string;
  batch: number;
  threads: number;
  /** The IoU chart, and a picture per chosen sample under `<outputDir>/samples/`. */
  plots?: boolean;
  /** Which samples get a picture: every one when absent. */
  plotSamples?: PlotSelection;
  json?: boolean;
  progress?: boolean;
  zoo?: ZooConnection;
}

export interface ModelBevSegResult {
  result: SegmentationResult;
  probs: string;
  masks: string;
  pictures: string[];
  times: BatchTimes & { groundTruth: number; scoring: number };
}

const seconds = (start: number) => (performance.now() - start) / 1000;

export async function runModelBevSeg(
  options: ModelBevSegOptions,
  io: { stdout: (t: string) => void; stderr: (t: string) => void } = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  },
): Promise<ModelBevSegResult> {
  const log = options.json ? () => {} : io.stderr;
  const source = await openModelSource(options.model, options.zoo ?? {});
  const model = readBevSegCard(source.card, source.cardSource);
  checkBevSegContract(model, source.cardSource);
  const onnxPath = await source.artifactFile(model.graph.path, BEV_SEG_ROLE);
  await checkGraphMatchesCard(onnxPath, model.graph, source.cardSource, BEV_SEG_ROLE);

  const { nusc, samples } = await openDatasetSplit(options.dataset);
  const tokens = samples.map((s) => s.token);
  const pictured = options.plots ? chosenSamples(tokens, options.plotSamples) : new Set<string>();
  const masksDir = join(options.outputDir, BEV_SEG_OUTPUT.masks);
  let start = performance.now();
  const masks = await writeDatasetMasks(nusc, tokens, model.grid, masksDir, pictured);
  const groundTruth = seconds(start);

  log(
    `Model: ${onnxPath} (${source.cardSource}); ${tokens.length} samples in batches of ${options.batch}, ` +
      `${options.threads} onnxruntime threads\n`,
  );
  const probsDir = options.resultsOut ?? join(options.outputDir, BEV_SEG_OUTPUT.probs);
  const probs = new Map<string, Float32Array>();
  const session = await OnnxSession.open(onnxPath, options.threads);
  const writer = await NpyFolderWriter.open(probsDir);
  let run: BatchTimes;
  try {
    const shape = [BEVFUSION_MAP_CLASSES.length, model.cells.x, model.cells.y];
    run = await runBevSeg(
      session,
      nusc,
      tokens,
      model,
      async (token, p) => {
        await writer.add(token, '<f4', shape, p);
        if (pictured.has(token)) probs.set(token, p);
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
  log(`Results: probabilities of ${tokens.length} samples written to ${probsDir}, GT masks to ${masksDir}\n`);

  start = performance.now();
  const result = await scoreSegmentationFiles(
    {
      results: probsDir,
      gt: masksDir,
      outputDir: options.outputDir,
      plots: options.plots,
      json: options.json,
    },
    io.stdout,
  );
  const scoring = seconds(start);
  const pictures: string[] = [];
  if (pictured.size > 0) {
    const { cameras, imageHeight, imageWidth } = model.input;
    const chosen: SamplePicture[] = [];
    for (const token of tokens.filter((t) => pictured.has(t))) {
      const { images } = await loadKeyFrame(nusc, token, { cameras, imageHeight, imageWidth });
      chosen.push({
        token,
        images,
        cameras,
        imageHeight,
        imageWidth,
        probs: probs.get(token)!,
        masks: masks.get(token)!,
        cellsX: model.cells.x,
        cellsY: model.cells.y,
        classes: BEVFUSION_MAP_CLASSES,
      });
    }
    pictures.push(...(await writeSamplePictures(join(options.outputDir, BEV_SEG_OUTPUT.pictures), chosen)));
    log(`Pictures: ${pictures.length} samples under ${join(options.outputDir, BEV_SEG_OUTPUT.pictures)}\n`);
  }
  const times = { ...run, groundTruth, scoring };
  const s = (x: number) => `${x.toFixed(2)} s`;
  io.stderr(
    `Time split: GT masks ${s(groundTruth)}, image decoding ${s(run.imageDecoding)}, onnxruntime ` +
      `${s(run.onnxruntime)}, writing ${s(run.postprocessing)}, scoring ${s(scoring)}\n` +
      `${run.samples} samples segmented in ${s(run.wall)}: ${(run.samples / run.wall).toFixed(2)} samples/s ` +
      '(image decoding runs while onnxruntime works on the previous batch)\n',
  );
  return { result, probs: probsDir, masks: masksDir, pictures, times };
}
