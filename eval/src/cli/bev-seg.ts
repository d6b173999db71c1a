/** `mim4d-eval bev-seg`: BEVFusion map-segmentation IoU of BEV probabilities against GT masks. */
import { Command } from 'commander';
import {
  BEVFUSION_SEG_CONFIG,
  evaluateSegmentationFiles,
  NpyError,
  type SegmentationResult,
} from 'nuscenes-eval-ts';
import { writeSegmentationPlots } from '../bevseg/plots.ts';
import { formatSegmentationSummary } from '../bevseg/summary-table.ts';
import { InputError } from './shared/exit-codes.ts';
import { progressBar, toJson, writeJsonFile } from './shared/output.ts';

interface BevSegOptions {
  results: string;
  gt: string;
  outputDir: string;
  plots?: boolean;
  json?: boolean;
}

async function run(opts: BevSegOptions, out: (text: string) => void): Promise<void> {
  let bar: ReturnType<typeof progressBar> | undefined;
  let result: SegmentationResult;
  try {
    result = evaluateSegmentationFiles(opts.results, opts.gt, {
      onProgress(done, total) {
        bar ??= progressBar('bev-seg: samples', total);
        bar.update(done);
      },
    });
  } catch (err) {
    if (err instanceof NpyError) throw new InputError(err.message);
    throw err;
  } finally {
    bar?.stop();
  }
  await writeJsonFile(opts.outputDir, 'metrics.json', result.metrics);
  if (opts.plots) await writeSegmentationPlots(opts.outputDir, result, BEVFUSION_SEG_CONFIG);
  out(
    opts.json
      ? `${toJson(result.metrics)}\n`
      : `${formatSegmentationSummary(result, BEVFUSION_SEG_CONFIG)}\n`,
  );
}

const LAYOUT = `Arrays are .npy files in one of two layouts:
  DIR/tokens.json (["<sample_token>", ...], dataset order) and DIR/<sample_token>.npy of shape [6, H, W]
  FILE.npy of shape [N, 6, H, W] and FILE.tokens.json naming item i's sample
Results hold float32 (or float64) probabilities, the GT uint8 or bool masks; channels are
drivable_area, ped_crossing, walkway, stop_line, carpark_area, divider.`;

export function bevSegCommand(out: (text: string) => void = (t) => process.stdout.write(t)): Command {
  return new Command('bev-seg')
    .description(
      'BEVFusion map-segmentation IoU at thresholds 0.35..0.65 and iou@max; writes <output-dir>/metrics.json (map/<class>/iou@<t> keys)',
    )
    .requiredOption('--results <path>', 'probabilities: a directory or a stacked .npy (see below)')
    .requiredOption('--gt <path>', 'GT masks: a directory or a stacked .npy (see below)')
    .requiredOption('--output-dir <dir>', 'where metrics.json (and the --plots images) go')
    .option('--plots', 'also write IoU-versus-threshold curves as a PNG image')
    .option('--json', 'print the metrics as JSON instead of a table')
    .addHelpText('after', `\n${LAYOUT}`)
    .action(async (opts: BevSegOptions) => run(opts, out));
}
