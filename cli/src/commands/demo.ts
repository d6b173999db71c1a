import type { Command } from 'commander';
import { headCommit, positive, stepProgress } from './shared.ts';

/** Adds `mim4d demo`: the main user story on the embedded defaults. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'the main path on embedded defaults: a synthetic dataset, a local zoo serving the MIM4D backbone shipped with ' +
        'the project, detection fine-tuned from it (pulled over HTTP) and from scratch on the same budget, both ' +
        'exported and scored with mim4d-eval detection --model, and the comparison beside the leaderboard baselines',
    )
    .option('--out <dir>', 'a new folder for the data, zoo, runs and evaluations', 'demo')
    .option('--steps <n>', 'fine-tuning steps of each of the two heads', positive('--steps'), 600)
    .action(async (opts: { out: string; steps: number }, command: Command) => {
      try {
        const { nn, demo } = { nn: await import('@mim4d/nn'), demo: await import('../demo/run-demo.ts') };
        const backend = await nn.initBackend();
        process.stderr.write(`mim4d demo: backend ${backend.tfName}\n`);
        const bars = new Map<string, ReturnType<typeof stepProgress>>();
        const result = await demo.runDemo({
          out: opts.out,
          steps: opts.steps,
          codeCommit: headCommit(),
          log: (line) => process.stderr.write(`${line}\n`),
          onStep: (arm, step, total, loss) => {
            const bar = bars.get(arm) ?? bars.set(arm, stepProgress(`  ${arm}`, total)).get(arm)!;
            bar.onStep({ step, total: loss });
            if (step === total) bar.stop();
          },
        });
        process.stdout.write(
          `\nDetection on the validation split (mini_val) of ${opts.out}/data, first column MIM4D-pretrained, ` +
            `deltas against it:\n${result.comparison}\n` +
            `Baseline rows of the nuscenes-detection@v1 leaderboard (real nuScenes val, published numbers; not ` +
            `comparable in size, shown for scale):\n${result.baselines}\n\n` +
            `Runs: ${opts.out}/runs/{mim4d,scratch}; evaluations: ${result.folders.join(', ')}\n`,
        );
      } catch (error) {
        command.error(`mim4d demo: ${(error as Error).message}`, { exitCode: 1 });
      }
    });
}
