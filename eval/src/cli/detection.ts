/** The `detection` subcommand of `mim4d-eval`. */
import { Command, Option } from 'commander';
import { DEFAULT_LOAD_WORKERS } from 'nuscenes-eval-ts';
import { runDetection } from '../detection/run-detection.ts';
import { InputError } from './shared/exit-codes.ts';

interface DetectionFlags {
  results: string;
  gt?: string;
  dataroot?: string;
  version?: string;
  split?: string;
  splitFile?: string;
  outputDir: string;
  plots?: boolean;
  json?: boolean;
  loadWorkers: number;
}

function workerCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InputError(`--load-workers must be a whole number >= 0, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function detectionCommand(): Command {
  return new Command('detection')
    .description(
      'nuScenes detection metrics (detection_cvpr_2019: mAP, TP errors, NDS), identical to nuscenes-devkit',
    )
    .requiredOption('--results <file>', 'submission JSON {meta, results: {sample_token: [box, ...]}}')
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
    .requiredOption('--output-dir <dir>', 'where metrics_summary.json, metrics_details.json and plots/ go')
    .addOption(
      new Option('--plots', 'also write precision-recall and TP-error curves as PNG files under plots/'),
    )
    .option('--json', 'print the metrics summary as JSON on stdout instead of the table')
    .option(
      '--load-workers <n>',
      'threads that parse and validate the input files while they are read (0: all in the main thread)',
      workerCount,
      DEFAULT_LOAD_WORKERS,
    )
    .action(async (flags: DetectionFlags) => {
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
      await runDetection({
        results: flags.results,
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
