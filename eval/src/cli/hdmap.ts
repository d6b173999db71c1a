/** `mim4d-eval hdmap`: MapTR Chamfer AP of vectorized HD-map results. */
import { Command } from 'commander';
import {
  type ChamferResult,
  evaluateChamferFiles,
  type MapGroundTruth,
  MapInputError,
} from 'nuscenes-eval-ts';
import { loadDatasetMapGroundTruth } from '../hdmap/dataset-ground-truth.ts';
import { writeChamferPlots } from '../hdmap/plots.ts';
import { formatChamferSummary } from '../hdmap/summary-table.ts';
import { InputError } from './shared/exit-codes.ts';
import { progressBar, toJson, writeJsonFile } from './shared/output.ts';

interface HdmapOptions {
  results: string;
  gt?: string;
  dataroot?: string;
  version: string;
  split: string;
  splitFile?: string;
  outputDir: string;
  plots?: boolean;
  json?: boolean;
}

async function groundTruthFrom(opts: HdmapOptions): Promise<string | MapGroundTruth> {
  if (opts.gt && opts.dataroot) throw new InputError('give either --gt or --dataroot, not both');
  if (opts.gt) return opts.gt;
  if (opts.dataroot) {
    return loadDatasetMapGroundTruth({
      dataroot: opts.dataroot,
      version: opts.version,
      split: opts.split,
      splitFile: opts.splitFile,
    });
  }
  throw new InputError('the GT is needed: give --gt <MapTR GT json> or --dataroot <nuScenes dataroot>');
}

async function run(opts: HdmapOptions, out: (text: string) => void): Promise<void> {
  const gt = await groundTruthFrom(opts);
  let bar: ReturnType<typeof progressBar> | undefined;
  let result: ChamferResult;
  try {
    result = await evaluateChamferFiles(opts.results, gt, {
      onProgress(done, total) {
        bar ??= progressBar('hdmap: samples', total);
        bar.update(done);
      },
    });
  } catch (err) {
    if (err instanceof MapInputError) throw new InputError(err.message);
    throw err;
  } finally {
    bar?.stop();
  }
  await writeJsonFile(opts.outputDir, 'metrics.json', result.metrics);
  if (opts.plots) await writeChamferPlots(opts.outputDir, result);
  out(opts.json ? `${toJson(result.metrics)}\n` : `${formatChamferSummary(result)}\n`);
}

export function hdmapCommand(out: (text: string) => void = (t) => process.stdout.write(t)): Command {
  return new Command('hdmap')
    .description(
      'MapTR Chamfer AP at 0.5/1.0/1.5 m of vectorized HD-map results; writes <output-dir>/metrics.json (NuscMap_chamfer/... keys)',
    )
    .requiredOption(
      '--results <file>',
      'MapTR results JSON {meta, results: [{sample_token, vectors: [{pts, type, confidence_level}]}]}',
    )
    .option('--gt <file>', 'MapTR GT JSON {GTs: [{sample_token, vectors: [{pts, type}]}]}')
    .option(
      '--dataroot <dir>',
      'build the GT vectors from a nuScenes dataroot and its map expansion instead of --gt',
    )
    .option('--version <version>', 'nuScenes version under --dataroot', 'v1.0-trainval')
    .option('--split <split>', 'split of --dataroot to evaluate', 'val')
    .option(
      '--split-file <file>',
      'JSON {split: [scene names]}: custom splits, or lists that replace the bundled official ones',
    )
    .requiredOption('--output-dir <dir>', 'where metrics.json (and the --plots images) go')
    .option('--plots', 'also write precision-recall curves as PNG images')
    .option('--json', 'print the metrics as JSON instead of a table')
    .action(async (opts: HdmapOptions) => run(opts, out));
}
