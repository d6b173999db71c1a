/**
 * Scores a results set against a GT set (both .npy sets, see nuscenes-eval-ts's array-set.ts) with BEVFusion's IoU,
 * writes `<output-dir>/metrics.json` (and with `plots` the IoU-versus-threshold chart) and prints the table or JSON.
 */
import {
  BEVFUSION_SEG_CONFIG,
  evaluateSegmentationFiles,
  NpyError,
  type SegmentationResult,
} from 'nuscenes-eval-ts';
import { InputError } from '../cli/shared/exit-codes.ts';
import { progressBar, toJson, writeJsonFile } from '../cli/shared/output.ts';
import { writeSegmentationPlots } from './plots.ts';
import { formatSegmentationSummary } from './summary-table.ts';

export interface SegmentationScoring {
  results: string;
  gt: string;
  outputDir: string;
  plots?: boolean;
  json?: boolean;
}

export async function scoreSegmentationFiles(
  opts: SegmentationScoring,
  out: (text: string) => void,
): Promise<SegmentationResult> {
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
  return result;
}
