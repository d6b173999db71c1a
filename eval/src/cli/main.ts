import { Command } from 'commander';
import { bevSegCommand } from './bev-seg.ts';
import { compareCommand } from './compare.ts';
import { detectionCommand } from './detection.ts';
import { hdmapCommand } from './hdmap.ts';
import { runCli } from './shared/exit-codes.ts';

/** Builds the `mim4d-eval` program; each metric's subcommand module adds itself here. */
export function buildProgram(): Command {
  return new Command('mim4d-eval')
    .description(
      'Score nuScenes detection, MapTR HD-map and BEV-segmentation results exactly as the reference evaluators do',
    )
    .showHelpAfterError()
    .addCommand(detectionCommand())
    .addCommand(hdmapCommand())
    .addCommand(bevSegCommand())
    .addCommand(compareCommand());
}

export async function main(argv: string[]): Promise<number> {
  return runCli(buildProgram(), argv);
}
