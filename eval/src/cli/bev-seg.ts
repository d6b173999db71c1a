/**
 * `mim4d-eval bev-seg`: BEVFusion map-segmentation IoU of BEV probabilities against GT masks, or of a BEV-seg
 * model run over a dataroot split against the masks rasterised from its map.
 */
import { Command } from 'commander';
import type { PlotSelection } from '../model/plot-selection.ts';
import { InputError } from './shared/exit-codes.ts';
import { modelRunOptions, plotSelection, withModelRunOptions } from './shared/flags.ts';

interface BevSegFlags {
  results?: string;
  gt?: string;
  model?: string;
  dataroot?: string;
  version?: string;
  split?: string;
  splitFile?: string;
  resultsOut?: string;
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
  dataroot: '--dataroot',
  version: '--version',
  split: '--split',
  splitFile: '--split-file',
  resultsOut: '--results-out',
  batch: '--batch',
  threads: '--threads',
  endpoint: '--endpoint',
  token: '--token',
  plotSamples: '--plot-samples',
} as const;

async function runModel(flags: BevSegFlags): Promise<void> {
  const options = modelRunOptions(flags, 'the masks come from the map');
  if (flags.plotSamples !== undefined && !flags.plots)
    throw new InputError('--plot-samples goes with --plots');
  // Loaded on demand: the model path pulls in onnxruntime, the zoo client, the map rasteriser and the image loaders.
  const { runModelBevSeg } = await import('../model/run-model-bev-seg.ts');
  await runModelBevSeg({ ...options, plotSamples: flags.plotSamples });
}

const LAYOUT = `Arrays are .npy files in one of two layouts:
  DIR/tokens.json (["<sample_token>", ...], dataset order) and DIR/<sample_token>.npy of shape [6, H, W]
  FILE.npy of shape [N, 6, H, W] and FILE.tokens.json naming item i's sample
Results hold float32 (or float64) probabilities, the GT uint8 or bool masks; channels are
drivable_area, ped_crossing, walkway, stop_line, carpark_area, divider.
With --model, <output-dir>/probs and <output-dir>/masks are written in the first layout, so
they can be scored again with --results and --gt (or submitted to the zoo's bev-seg benchmark).`;

export function bevSegCommand(out: (text: string) => void = (t) => process.stdout.write(t)): Command {
  return withModelRunOptions(new Command('bev-seg'))
    .description(
      'BEVFusion map-segmentation IoU at thresholds 0.35..0.65 and iou@max; writes <output-dir>/metrics.json (map/<class>/iou@<t> keys)',
    )
    .option('--results <path>', 'probabilities: a directory or a stacked .npy (see below)')
    .option('--gt <path>', 'GT masks: a directory or a stacked .npy (see below)')
    .option(
      '--model <model>',
      'instead of --results/--gt: a BEV segmenter to run, as an .onnx file (card.json beside it), an export folder or a zoo reference ns/name[@rev]',
    )
    .option('--dataroot <dir>', 'with --model: nuScenes dataroot whose map gives the GT masks')
    .option('--version <name>', 'with --model: dataset version, e.g. v1.0-trainval or v1.0-mini')
    .option('--split <name>', 'with --model: split, e.g. val or mini_val')
    .option(
      '--split-file <file>',
      'with --model: JSON {split: [scene names]}, custom splits or lists that replace the bundled official ones',
    )
    .requiredOption(
      '--output-dir <dir>',
      'where metrics.json, the --plots images and (--model) probs/ and masks/ go',
    )
    .option('--results-out <dir>', 'with --model: write the probabilities here instead of <output-dir>/probs')
    .option(
      '--plots',
      'also write IoU-versus-threshold curves as a PNG image; with --model also, per sample, the camera images and the six predicted masks beside the GT under <output-dir>/samples/',
    )
    .option(
      '--plot-samples <n|tokens>',
      'with --model --plots: picture only n samples spread over the split, or the comma-separated sample tokens (default: every sample)',
      plotSelection,
    )
    .option('--json', 'print the metrics as JSON instead of a table')
    .addHelpText('after', `\n${LAYOUT}`)
    .action(async (flags: BevSegFlags) => {
      if (flags.model !== undefined) {
        if (flags.results !== undefined)
          throw new InputError('give either --results R with --gt G, or --model MODEL');
        return runModel(flags);
      }
      const modelFlag = (Object.keys(MODEL_ONLY) as (keyof typeof MODEL_ONLY)[]).find(
        (f) => flags[f] !== undefined,
      );
      if (modelFlag) throw new InputError(`${MODEL_ONLY[modelFlag]} goes with --model, not --results/--gt`);
      if (flags.results === undefined || flags.gt === undefined) {
        throw new InputError(
          'give --results R and --gt G, or --model MODEL with --dataroot D --version V --split S',
        );
      }
      const { scoreSegmentationFiles } = await import('../bevseg/score-files.ts');
      await scoreSegmentationFiles(
        {
          results: flags.results,
          gt: flags.gt,
          outputDir: flags.outputDir,
          plots: flags.plots,
          json: flags.json,
        },
        out,
      );
    });
}
