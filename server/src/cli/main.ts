import { Command } from 'commander';

/** Builds the `mim4d-zoo` program: the server and the client commands. */
export function buildProgram(): Command {
  return new Command('mim4d-zoo')
    .description('MIM4D model zoo: serve, pull, push, ls, login')
    .showHelpAfterError();
}

export async function main(argv: string[]): Promise<number> {
  await buildProgram().parseAsync(argv);
  return 0;
}
