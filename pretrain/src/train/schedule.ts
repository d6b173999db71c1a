import type { Mim4dConfig } from '../config/index.ts';

/**
 * mmcv's CosineAnnealing policy with linear warm-up: cosine from lr to lr * minLrRatio over the run; during the
 * first warm-up steps the cosine value is scaled from warmupStartRatio up to 1.
 */
export function learningRate(optim: Mim4dConfig['optim'], step: number, totalSteps: number): number {
  const min = optim.lr * optim.minLrRatio;
  const progress = totalSteps <= 1 ? 0 : Math.min(step / totalSteps, 1);
  const cosine = min + ((optim.lr - min) * (1 + Math.cos(Math.PI * progress))) / 2;
  const warmup = warmupSteps(optim, totalSteps);
  if (step >= warmup) return cosine;
  const k = (1 - step / warmup) * (1 - optim.warmupStartRatio);
  return cosine * (1 - k);
}

export function warmupSteps(optim: Mim4dConfig['optim'], totalSteps: number): number {
  return optim.warmupFraction === 0 ? 0 : Math.max(1, Math.round(optim.warmupFraction * totalSteps));
}
