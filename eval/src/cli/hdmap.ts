/** `mim4d-eval hdmap`: MapTR Chamfer AP of vectorized HD-map results, or of an HD-map model run over a dataroot split. */
import { Command } from 'commander';
import type { MapGroundTruth } from 'nuscenes-eval-ts';
import type { PlotSelection } from '../model/plot-selection.ts';
import { InputError } from './shared/exit-codes.ts';
import { modelRunOptions, plotSelection, withModelRunOptions } from './shared/flags.ts';

interface HdmapOptions {
  results?: string;
  gt?: string;
  model?: string;
  dataroot?: string;
  version?: string;
  split?: string;
  splitFile?: string;
  resultsOut?: string;
  gtOut?: string;
  batch?: number;
  threads?: number;
  endpoint?: string;
  token?: string;
  plotSamples?: PlotSelection;
  outputDir: string;
  plots?: boolean;
  json?: boolean;
}

const MODEL_ONLY = {
  resultsOut: '--results-out',
  gtOut: '--gt-out',
  batch: '--batch',
  threads: '--threads',
  endpoint: '--endpoint',
  token: '--token',
  plotSamples: '--plot-samples',
} as const;

async function groundTruthFrom(opts: HdmapOptions): Promise<string | MapGroundTruth> {
  if (opts.gt && opts.dataroot) throw new InputError('give either --gt or --dataroot, not both');
  if (opts.gt) return opts.gt;
  if (opts.dataroot) {
    const { loadDatasetMapGroundTruth } = await import('../hdmap/dataset-ground-truth.ts');
    return loadDatasetMapGroundTruth({
      dataroot: opts.dataroot,
      version: opts.version ?? 'v1.0-trainval',
      split: opts.split ?? 'val',
      splitFile: opts.splitFile,
    });
  }
  throw new InputError('the GT is needed: give --gt <MapTR GT json> or --dataroot <nuScenes dataroot>');
}

async function runModel(opts: HdmapOptions): Promise<void> {
  const options = modelRunOptions(opts, "the vectors come from the map, in the card's patch");
  if (opts.plotSamples !== undefined && !opts.plots) throw new InputError('--plot-samples goes with --plots');
  // Loaded on demand: the model path pulls in onnxruntime, the zoo client and the image loaders.
  const { runModelHdMap } = await import('../model/run-model-hdmap.ts');
  await runModelHdMap({ ...options, plotSamples: opts.plotSamples });
}

async function run(opts: HdmapOptions, out: (text: string) => void): Promise<void> {
  if (opts.model !== undefined) {
    if (opts.results !== undefined) throw new InputError('give either --results R, or --model MODEL');
    return runModel(opts);
  }
  const modelFlag = (Object.keys(MODEL_ONLY) as (keyof typeof MODEL_ONLY)[]).find(
    (f) => opts[f] !== undefined,
  );
  if (modelFlag) throw new InputError(`${MODEL_ONLY[modelFlag]} goes with --model, not --results`);
  if (opts.results === undefined) {
    throw new InputError(
      'give --results R (with --gt G or --dataroot D), or --model MODEL with --dataroot D',
    );
  }
  const gt = await groundTruthFrom(opts);
  const { scoreMapResults } = await import('../hdmap/score-results.ts');
  await scoreMapResults(
    { results: opts.results, gt, outputDir: opts.outputDir, plots: opts.plots, json: opts.json },
    out,
  );
}

export function hdmapCommand(out: (text: string) => void = (t) => process.stdout.write(t)): Command {
  return withModelRunOptions(new Command('hdmap'))
    .description(
      'MapTR Chamfer AP at 0.5/1.0/1.5 m of vectorized HD-map results or of a model run; writes <output-dir>/metrics.json (NuscMap_chamfer/... keys)',
    )
    .option(
      '--results <file>',
      'MapTR results JSON {meta, results: [{sample_token, vectors: [{pts, type, confidence_level}]}]}',
    )
    .option('--gt <file>', 'MapTR GT JSON {GTs: [{sample_token, vectors: [{pts, type}]}]}')
    .option(
      '--model <model>',
      "instead of --results: an HD-map model to run, as an .onnx file (card.json beside it), an export folder or a zoo reference ns/name[@rev]; scored against the dataroot's GT in the card's patch",
    )
    .option(
      '--dataroot <dir>',
      'build the GT vectors from a nuScenes dataroot and its map expansion instead of --gt (with --model: required)',
    )
    .option('--version <version>', 'nuScenes version under --dataroot (default v1.0-trainval)')
    .option('--split <split>', 'split of --dataroot to evaluate (default val)')
    .option(
      '--split-file <file>',
      'JSON {split: [scene names]}: custom splits, or lists that replace the bundled official ones',
    )
    .requiredOption(
      '--output-dir <dir>',
      'where metrics.json, the --plots images and (--model) results_maptr.json go',
    )
    .option(
      '--results-out <file>',
      'with --model: write the results here instead of <output-dir>/results_maptr.json',
    )
    .option(
      '--gt-out <file>',
      'with --model: also write the ground truth scored against (MapTR GT JSON), as `mim4d-zoo benchmark gt` installs it',
    )
    .option(
      '--plots',
      'also write precision-recall curves as PNG images; with --model also, per sample, the predicted vectors over the GT vectors in the BEV under <output-dir>/samples/',
    )
    .option(
      '--plot-samples <n|tokens>',
      'with --model --plots: picture only n samples spread over the split, or the comma-separated sample tokens (default: every sample)',
      plotSelection,
    )
    .option('--json', 'print the metrics as JSON instead of a table')
    .action(async (opts: HdmapOptions) => run(opts, out));
}
