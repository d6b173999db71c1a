/** Exit codes of `mim4d-eval`, and the one place that turns errors into them. */
import { type Command, CommanderError } from 'commander';

export const ExitCode = {
  Ok: 0,
  /** A bug or an environment failure (disk full, ...): the message is printed with its stack. */
  Unexpected: 1,
  /** Bad input: a missing or malformed file, a wrong option. The message names the file, path or option. */
  BadInput: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const INPUT_ERROR = Symbol.for('@mim4d/eval InputError');

/** Raised for input the user can fix; becomes exit code 2 with just the message. */
export class InputError extends Error {
  override name = 'InputError';
  readonly [INPUT_ERROR] = true;

  // The module can be loaded twice in one process (under tsx, a module imported on demand by CommonJS-compiled
  // code is a second, ES module instance), so `instanceof` asks for the brand, not for this prototype.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && INPUT_ERROR in value;
  }
}

function exitOverrideEverywhere(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideEverywhere(sub);
}

/**
 * Parses argv and runs the chosen subcommand, returning the exit code instead of exiting, so tests and
 * embedding programs can call it. Errors go to `stderr` as one line.
 */
export async function runCli(
  program: Command,
  argv: string[],
  stderr: (text: string) => void = (t) => process.stderr.write(t),
): Promise<ExitCode> {
  exitOverrideEverywhere(program);
  try {
    await program.parseAsync(argv);
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its own message (or the help text) already.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
    }
    if (err instanceof InputError) {
      stderr(`error: ${err.message}\n`);
      return ExitCode.BadInput;
    }
    stderr(`unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return ExitCode.Unexpected;
  }
}
