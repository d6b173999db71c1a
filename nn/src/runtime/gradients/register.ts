import { registerEinsumGradient } from './einsum.ts';
import { registerGatherNdGradient } from './gather_nd.ts';
import { registerNonDifferentiableGradients } from './non_differentiable.ts';

/** Gradients tfjs-core lacks for ops a training step uses; idempotent. */
export function registerMissingGradients(): void {
  registerNonDifferentiableGradients();
  registerGatherNdGradient();
  registerEinsumGradient();
}
