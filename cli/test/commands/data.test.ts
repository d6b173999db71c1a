import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerDataCommand } from '../../src/commands/data.ts';

/** Runs `mim4d <args>` in-process; resolves with stdout, or rejects with the CommanderError and stderr. */
async function mim4d(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command('mim4d').exitOverride();
  let stdout = '';
  let stderr = '';
  const output = { writeOut: (s: string) => (stdout += s), writeErr: (s: string) => (stderr += s) };
  program.configureOutput(output);
  registerDataCommand(program);
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

const rejectsWith = (promise: Promise<unknown>, pattern: RegExp) =>
  assert.rejects(promise, (error: CommanderError & { stderr: string }) => {
    assert.ok(error instanceof CommanderError, String(error));
    assert.notEqual(error.exitCode, 0);
    assert.match(`${error.message}\n${error.stderr}`, pattern);
    return true;
  });

describe('mim4d data synth', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'mim4d-cli-synth-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('requires --out', () => rejectsWith(mim4d('data', 'synth'), /required option '--out <dir>'/));

  it('rejects a non-integer option, naming it', () =>
    rejectsWith(
      mim4d('data', 'synth', '--out', work, '--width', 'wide'),
      /--width takes a non-negative integer/,
    ));

  it('rejects an out-of-range option, naming it and the range', () =>
    rejectsWith(
      mim4d('data', 'synth', '--out', join(work, 'x'), '--scenes', '11'),
      /--scenes must be an integer in \[1, 10\]/,
    ));

  it('refuses a non-empty --out without --force and leaves it alone', async () => {
    writeFileSync(join(work, 'keep.txt'), 'mine');
    await rejectsWith(mim4d('data', 'synth', '--out', work), /is not empty .* pass --force/);
    assert.equal(readFileSync(join(work, 'keep.txt'), 'utf8'), 'mine');
    assert.ok(!existsSync(join(work, 'v1.0-mini')));
  });

  it('generates a dataset and prints a summary', async () => {
    const out = join(work, 'data');
    const { stdout } = await mim4d(
      ...[
        'data',
        'synth',
        '--out',
        out,
        '--scenes',
        '1',
        '--samples',
        '2',
        '--sweeps',
        '0',
        '--lidar-sweeps',
        '0',
      ],
      ...['--width', '32', '--height', '18', '--workers', '1'],
    );
    assert.match(stdout, /scenes: +1 \(scene-0061 mini_train singapore-onenorth\)/);
    assert.match(stdout, /samples: +2\n/);
    assert.match(stdout, /sample_data: +14\n/);
    assert.ok(existsSync(join(out, 'v1.0-mini', 'sample_data.json')));
  });
});
