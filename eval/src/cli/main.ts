import { Command } from 'commander';

/** Builds the `mim4d-eval` program; each metric's subcommand module adds itself here. */
export function buildProgram(): Command {
  return new Command('mim4d-eval')
    .description(
      'Score nuScenes detection, MapTR HD-map and BEV-segmentation results exactly as the reference evaluators do',
    )
    .showHelpAfterError();
}

export async function main(argv: string[]): Promise<number> {
  await buildProgram().parseAsync(argv);
  return 0;
}
