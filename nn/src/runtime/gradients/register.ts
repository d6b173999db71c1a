import { registerWeightedGatherGradients } from '../weighted-gather.ts';
import { registerEinsumGradient } from './einsum.ts';
import { registerGatherNdGradient } from './gather_nd.ts';
import { registerNonDifferentiableGradients } from './non_differentiable.ts';
import { registerReductionGradients } from './reductions.ts';
import { registerUnsortedSegmentSumGradient } from './unsorted_segment_sum.ts';

/** Gradients tfjs-core lacks for ops a training step uses, or has only as slow graphs; idempotent. */
export function registerMissingGradients(): void {
  registerNonDifferentiableGradients();
  registerGatherNdGradient();
  registerEinsumGradient();
  registerUnsortedSegmentSumGradient();
  registerReductionGradients();
  registerWeightedGatherGradients();
}
