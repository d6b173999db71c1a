import { Command } from 'commander';
import { registerDataCommand } from './commands/data.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerFinetuneCommand } from './commands/finetune.ts';
import { registerPretrainCommand } from './commands/pretrain.ts';
import { registerStudyCommand } from './commands/study.ts';

/** Builds the `mim4d` program; each subcommand module adds itself here. */
export function buildProgram(): Command {
  const program = new Command('mim4d')
    .description('MIM4D: synthetic nuScenes-format data, masked 4D pretraining, fine-tuning')
    .showHelpAfterError();
  registerDataCommand(program);
  registerPretrainCommand(program);
  registerFinetuneCommand(program);
  registerStudyCommand(program);
  registerDemoCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  await buildProgram().parseAsync(argv);
  return 0;
}
