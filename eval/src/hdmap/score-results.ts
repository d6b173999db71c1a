/** Scores a MapTR results file against GT (a file or vectors built from a dataroot), writing the metric files. */
import {
  type ChamferResult,
  evaluateChamferFiles,
  type MapGroundTruth,
  MapInputError,
} from 'nuscenes-eval-ts';
import { InputError } from '../cli/shared/exit-codes.ts';
import { progressBar, toJson, writeJsonFile } from '../cli/shared/output.ts';
import { writeChamferPlots } from './plots.ts';
import { formatChamferSummary } from './summary-table.ts';

export interface ScoreMapOptions {
  results: string;
  gt: string | MapGroundTruth;
  outputDir: string;
  /** Precision-recall charts beside metrics.json. */
  plots?: boolean;
  /** Print the metrics as JSON instead of the table. */
  json?: boolean;
  progress?: boolean;
}

/** MapTR Chamfer AP of `results`: writes `<outputDir>/metrics.json` (and the charts), prints the table. */
export async function scoreMapResults(
  options: ScoreMapOptions,
  out: (text: string) => void,
): Promise<ChamferResult> {
  let bar: ReturnType<typeof progressBar> | undefined;
  let result: ChamferResult;
  try {
    result = await evaluateChamferFiles(options.results, options.gt, {
      onProgress(done, total) {
        if (options.progress === false) return;
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
  await writeJsonFile(options.outputDir, 'metrics.json', result.metrics);
  if (options.plots) await writeChamferPlots(options.outputDir, result);
  out(options.json ? `${toJson(result.metrics)}\n` : `${formatChamferSummary(result)}\n`);
  return result;
}
