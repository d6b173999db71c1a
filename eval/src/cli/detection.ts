/** The `detection` subcommand of `mim4d-eval`: score a results file, or run a detector model and score it. */
import { integerOption } from '@mim4d/cli-options';
import { Command, Option } from 'commander';
import { InputError } from './shared/exit-codes.ts';
import { modelRunOptions, withModelRunOptions } from './shared/flags.ts';

interface DetectionFlags {
  results?: string;
  model?: string;
  resultsOut?: string;
  gtOut?: string;
  batch?: number;
  threads?: number;
  endpoint?: string;
  token?: string;
  gt?: string;
  dataroot?: string;
  version?: string;
  split?: string;
  splitFile?: string;
  outputDir: string;
  plots?: boolean;
  json?: boolean;
  loadWorkers?: number;
}

const MODEL_ONLY = ['resultsOut', 'gtOut', 'batch', 'threads', 'endpoint', 'token'] as const;
const FLAG_NAMES: Record<(typeof MODEL_ONLY)[number], string> = {
  resultsOut: '--results-out',
  gtOut: '--gt-out',
  batch: '--batch',
  threads: '--threads',
  endpoint: '--endpoint',
  token: '--token',
};

async function runModel(flags: DetectionFlags): Promise<void> {
  const options = modelRunOptions(flags, 'the card ranges filter the GT');
  // Loaded on demand: the model path pulls in onnxruntime, the zoo client and the image loaders.
  const { runModelDetection } = await import('../model/run-model-detection.ts');
  await runModelDetection(options);
}

export function detectionCommand(): Command {
  return withModelRunOptions(new Command('detection'))
    .description(
      'nuScenes detection metrics (detection_cvpr_2019: mAP, TP errors, NDS), identical to nuscenes-devkit',
    )
    .option('--results <file>', 'submission JSON {meta, results: {sample_token: [box, ...]}}')
    .option(
      '--model <model>',
      'instead of --results: a detector to run, as an .onnx file (card.json beside it), an export folder or a zoo reference ns/name[@rev]',
    )
    .option(
      '--gt <file>',
      'ground truth in evaluation form (EvalBoxes JSON), evaluated as given, without filters',
    )
    .option(
      '--dataroot <dir>',
      'nuScenes dataroot: ground truth from the dataset, with range/points/bike-rack filters',
    )
    .option('--version <name>', 'dataset version with --dataroot, e.g. v1.0-trainval or v1.0-mini')
    .option('--split <name>', 'split with --dataroot, e.g. val or mini_val')
    .option(
      '--split-file <file>',
      'JSON {split: [scene names]}: custom splits, or lists that replace the bundled official ones',
    )
    .requiredOption(
      '--output-dir <dir>',
      'where metrics_summary.json, metrics_details.json, plots/ and (--model) results_nusc.json go',
    )
    .option(
      '--results-out <file>',
      'with --model: write the submission here instead of <output-dir>/results_nusc.json',
    )
    .option(
      '--gt-out <file>',
      'with --model: also write the ground truth scored against (EvalBoxes JSON), as `mim4d-zoo benchmark gt` installs it',
    )
    .addOption(
      new Option('--plots', 'also write precision-recall and TP-error curves as PNG files under plots/'),
    )
    .option('--json', 'print the metrics summary as JSON on stdout instead of the table')
    .option(
      '--load-workers <n>',
      // No commander default: naming the loader's constant here would load the whole metric package for --help.
      "threads that parse and validate, while the files are read, samples whose boxes are not in the usual form (extra fields, escapes, ...), once a batch of them waits; usual boxes are read in the main thread (0: everything there; default: the loader's, 2)",
      integerOption('--load-workers'),
    )
    .action(async (flags: DetectionFlags) => {
      if ((flags.results === undefined) === (flags.model === undefined)) {
        throw new InputError('give either --results R.json or --model MODEL (exactly one of them)');
      }
      if (flags.model !== undefined) return runModel(flags);
      const modelFlag = MODEL_ONLY.find((f) => flags[f] !== undefined);
      if (modelFlag) throw new InputError(`${FLAG_NAMES[modelFlag]} goes with --model, not --results`);
      const datasetFlags = [flags.dataroot, flags.version, flags.split];
      const anyDataset = datasetFlags.some((f) => f !== undefined);
      if (flags.gt !== undefined && anyDataset) {
        throw new InputError(
          '--gt cannot be combined with --dataroot/--version/--split: choose one source of GT',
        );
      }
      if (flags.gt === undefined && !datasetFlags.every((f) => f !== undefined)) {
        throw new InputError('give --gt G.json, or all of --dataroot D --version V --split S');
      }
      const { runDetection } = await import('../detection/run-detection.ts');
      await runDetection({
        results: flags.results!,
        gt: flags.gt,
        dataset:
          flags.gt === undefined
            ? {
                dataroot: flags.dataroot!,
                version: flags.version!,
                split: flags.split!,
                splitFile: flags.splitFile,
              }
            : undefined,
        outputDir: flags.outputDir,
        plots: flags.plots,
        json: flags.json,
        loadWorkers: flags.loadWorkers,
      });
    });
}
