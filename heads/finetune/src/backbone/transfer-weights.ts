import { type ParamStore, tf } from '@mim4d/nn';
import type { ResolvedBackbone } from './resolved-backbone.ts';

export interface TransferReport {
  /** Model parameters given the backbone's values. */
  transferred: string[];
  /** Model parameters the backbone lacks: they keep their initialisation. */
  fresh: string[];
  /** Backbone tensors the model has no parameter for (e.g. render_conv of an export). */
  discarded: string[];
}

/**
 * Copies backbone tensors into the model by name, non-strict, as mmcv's `load_from` does for the released
 * fine-tuning configs. A name in both with different shapes is an error, raised before anything is assigned.
 */
export function transferWeights(params: ParamStore, backbone: ResolvedBackbone): TransferReport {
  const entries = params.entries();
  const report: TransferReport = { transferred: [], fresh: [], discarded: [] };
  for (const [name, variable] of entries) {
    const tensor = backbone.tensors.get(name);
    if (tensor === undefined) {
      report.fresh.push(name);
      continue;
    }
    if (tensor.shape.join(',') !== variable.shape.join(',')) {
      throw new Error(
        `backbone ${backbone.ref}: tensor ${name} has shape [${tensor.shape}], the model needs [${variable.shape}]`,
      );
    }
    report.transferred.push(name);
  }
  const modelNames = new Set(entries.map(([name]) => name));
  report.discarded = [...backbone.tensors.keys()].filter((name) => !modelNames.has(name));
  for (const name of report.transferred) {
    const variable = params.get(name);
    const value = tf.tensor(backbone.tensors.get(name)!.data, variable.shape, 'float32');
    variable.assign(value);
    value.dispose();
  }
  return report;
}

/** e.g. `backbone: 212 tensors transferred, 48 fresh, 12 discarded`. */
export function formatTransferReport(report: TransferReport): string {
  return (
    `backbone: ${report.transferred.length} tensors transferred, ${report.fresh.length} fresh, ` +
    `${report.discarded.length} discarded`
  );
}
