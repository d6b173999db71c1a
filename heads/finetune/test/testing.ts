/** The fixtures @mim4d/finetune's tests share with the packages downstream, imported as `@mim4d/finetune/testing`. */
export * from './backbone/micro-run.ts';
export * from './data/small-dataroot.ts';
