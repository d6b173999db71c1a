import { type ArraySet, type ArraySetItem, openArraySet } from './array-set.ts';
import { BEVFUSION_SEG_CONFIG, type SegmentationConfig } from './config.ts';
import type { SegmentationResult } from './data-classes.ts';
import { SegmentationEvaluator } from './evaluate.ts';
import { NpyError } from './npy.ts';

export interface SegmentationFileOptions {
  config?: SegmentationConfig;
  /** Called after each sample with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

function listed(tokens: string[]): string {
  return `${tokens
    .slice(0, 5)
    .map((t) => `"${t}"`)
    .join(', ')}${tokens.length > 5 ? ', ...' : ''}`;
}

/** The two sets must name the same samples; pairing is by token, in the results' order. */
function checkPairing(results: ArraySet, gt: ArraySet): void {
  const gtTokens = new Set(gt.tokens);
  const resultTokens = new Set(results.tokens);
  const missing = gt.tokens.filter((t) => !resultTokens.has(t));
  const extra = results.tokens.filter((t) => !gtTokens.has(t));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [];
    if (missing.length > 0) parts.push(`${missing.length} GT sample(s) have no results (${listed(missing)})`);
    if (extra.length > 0) parts.push(`${extra.length} result sample(s) are not in the GT (${listed(extra)})`);
    throw new NpyError(results.path, `does not pair with ${gt.path} by sample token: ${parts.join('; ')}`);
  }
}

function checkItem(item: ArraySetItem, role: 'results' | 'gt', numClasses: number): void {
  const allowed = role === 'results' ? ['float32', 'float64'] : ['uint8', 'bool'];
  if (!allowed.includes(item.dtype)) {
    throw new NpyError(item.source, `${role} arrays must be ${allowed.join(' or ')}, got ${item.dtype}`);
  }
  if (item.shape.length !== 3 || item.shape[0] !== numClasses) {
    throw new NpyError(
      item.source,
      `must have shape [${numClasses}, H, W] (one channel per class), got ${JSON.stringify(item.shape)}`,
    );
  }
}

/**
 * BEVFusion map-segmentation IoU of a results set (probabilities) against a GT set (masks), read one
 * sample at a time; see array-set.ts for the layouts.
 */
export function evaluateSegmentationFiles(
  resultsPath: string,
  gtPath: string,
  options: SegmentationFileOptions = {},
): SegmentationResult {
  const config = options.config ?? BEVFUSION_SEG_CONFIG;
  const results = openArraySet(resultsPath);
  try {
    const gt = openArraySet(gtPath);
    try {
      checkPairing(results, gt);
      const evaluator = new SegmentationEvaluator(config);
      results.tokens.forEach((token, i) => {
        const probs = results.read(token);
        const masks = gt.read(token);
        checkItem(probs, 'results', config.classes.length);
        checkItem(masks, 'gt', config.classes.length);
        if (probs.shape.join() !== masks.shape.join()) {
          throw new NpyError(
            probs.source,
            `shape ${JSON.stringify(probs.shape)} differs from the GT's ${JSON.stringify(masks.shape)} (${masks.source})`,
          );
        }
        evaluator.addSample({
          sampleToken: token,
          probabilities: probs.data as Float32Array | Float64Array,
          masks: masks.data as Uint8Array,
        });
        options.onProgress?.(i + 1, results.tokens.length);
      });
      return evaluator.result();
    } finally {
      gt.close();
    }
  } finally {
    results.close();
  }
}
