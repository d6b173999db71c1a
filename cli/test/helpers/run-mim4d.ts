import assert from 'node:assert/strict';
import { Command, CommanderError } from 'commander';

/** Runs `mim4d <args>` in-process with the commands `register` adds; resolves with stdout, or rejects with the CommanderError and stderr. */
export async function runMim4d(
  register: (program: Command) => void,
  ...args: string[]
): Promise<{ stdout: string; stderr: string }> {
  const program = new Command('mim4d').exitOverride();
  let stdout = '';
  let stderr = '';
  const output = { writeOut: (s: string) => (stdout += s), writeErr: (s: string) => (stderr += s) };
  program.configureOutput(output);
  register(program);
  for (const command of program.commands) {
    command.exitOverride().configureOutput(output);
    for (const sub of command.commands) sub.exitOverride().configureOutput(output);
  }
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'mim4d', ...args]);
    return { stdout, stderr };
  } catch (error) {
    if (error instanceof CommanderError) Object.assign(error, { stderr });
    throw error;
  } finally {
    process.stdout.write = write;
  }
}

export const rejectsWith = (promise: Promise<unknown>, pattern: RegExp) =>
  assert.rejects(promise, (error: CommanderError & { stderr: string }) => {
    assert.ok(error instanceof CommanderError, String(error));
    assert.notEqual(error.exitCode, 0);
    assert.match(`${error.message}\n${error.stderr}`, pattern);
    return true;
  });
