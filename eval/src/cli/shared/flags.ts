import { availableParallelism } from 'node:os';
import { integerOption } from '@mim4d/cli-options';
import type { Command } from 'commander';
import type { PlotSelection } from '../../model/plot-selection.ts';
import { InputError } from './exit-codes.ts';

/** Samples per graph run of a `--model` harness, by default. */
export const DEFAULT_BATCH = 4;

/** The flags every `--model` harness takes. */
export interface ModelRunFlags {
  model?: string;
  gt?: string;
  dataroot?: string;
  version?: string;
  split?: string;
  splitFile?: string;
  outputDir: string;
  resultsOut?: string;
  gtOut?: string;
  batch?: number;
  threads?: number;
  plots?: boolean;
  json?: boolean;
  endpoint?: string;
  token?: string;
}

/**
 * A `--model` run's common options from its flags: the model, the dataroot split it is scored on (`--gt` is
 * refused, saying `why`), output, batching, threads and the zoo connection.
 */
export function modelRunOptions(flags: ModelRunFlags, why: string) {
  if (flags.gt !== undefined) {
    throw new InputError(`--model scores against --dataroot/--version/--split, not --gt (${why})`);
  }
  if (flags.dataroot === undefined || flags.version === undefined || flags.split === undefined) {
    throw new InputError('--model needs all of --dataroot D --version V --split S');
  }
  return {
    model: flags.model!,
    dataset: {
      dataroot: flags.dataroot,
      version: flags.version,
      split: flags.split,
      splitFile: flags.splitFile,
    },
    outputDir: flags.outputDir,
    resultsOut: flags.resultsOut,
    groundTruthOut: flags.gtOut,
    batch: flags.batch ?? DEFAULT_BATCH,
    // One core stays with image decoding, which runs beside onnxruntime (measured faster on 2 cores).
    threads: flags.threads ?? Math.max(1, availableParallelism() - 1),
    plots: flags.plots,
    json: flags.json,
    zoo: { endpoint: flags.endpoint, token: flags.token },
  };
}

/** Adds the options every `--model` harness takes besides the model and the split: batching, threads, the zoo. */
export function withModelRunOptions(command: Command): Command {
  return command
    .option(
      '--batch <n>',
      `with --model: samples per graph run (default ${DEFAULT_BATCH})`,
      integerOption('--batch', { min: 1 }),
    )
    .option(
      '--threads <n>',
      'with --model: onnxruntime intra-op threads (default: the available CPUs but one, which decodes images meanwhile)',
      integerOption('--threads', { min: 1 }),
    )
    .option('--endpoint <url>', 'with a zoo --model: zoo URL (default: MIM4D_ZOO_ENDPOINT, the saved login)')
    .option(
      '--token <token>',
      'with a zoo --model: bearer token (default: MIM4D_ZOO_TOKEN, the saved login)',
    );
}

/** `--plot-samples`: a count of samples spread over the split, or comma-separated sample tokens. */
export function plotSelection(value: string): PlotSelection {
  if (/^\d+$/.test(value)) return { count: integerOption('--plot-samples', { min: 1 })(value) };
  const tokens = value.split(',').map((t) => t.trim());
  if (tokens.some((t) => t === '')) {
    throw new InputError(
      `--plot-samples takes a count or comma-separated sample tokens, got ${JSON.stringify(value)}`,
    );
  }
  return { tokens };
}
