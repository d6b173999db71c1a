/**
 * bev-seg submissions arrive as one tar archive (optionally gzip-compressed) of .npy files, unpacked with node-tar
 * into a directory of the server's. Only regular files at the top level are taken, so a member can neither escape
 * the directory nor leave links behind, and the declared sizes are capped before anything is written.
 */
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { extract } from 'tar';
import type { SubmissionError } from './benchmark.ts';
import { InvalidSubmissionError } from './submission-errors.ts';

const MAX_ERRORS = 20;

export async function unpackResultsArchive(archive: string, dir: string, maxBytes: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const errors: SubmissionError[] = [];
  const refuse = (path: string, rule: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ path, rule });
    return false;
  };
  let unpacked = 0;
  try {
    await extract({
      file: archive,
      cwd: dir,
      strict: true,
      filter: (path, entry) => {
        const name = path.replace(/^\.\//, '');
        if (!('type' in entry)) return false;
        if (entry.type === 'Directory' && name.replace(/\/$/, '') === '') return false;
        if (entry.type !== 'File' && entry.type !== 'OldFile') {
          return refuse(name, `is a ${entry.type}; the archive may only hold regular files`);
        }
        if (name.includes('/')) {
          return refuse(
            name,
            'sits in a folder; put tokens.json and the .npy files at the top of the archive',
          );
        }
        unpacked += entry.size;
        if (unpacked > maxBytes) return refuse(name, `the unpacked files exceed ${maxBytes} bytes`);
        return true;
      },
    });
  } catch (error) {
    throw new InvalidSubmissionError([
      { path: '$', rule: `not a readable tar archive (plain or gzip): ${(error as Error).message}` },
    ]);
  }
  if (errors.length > 0) throw new InvalidSubmissionError(errors);
  if (readdirSync(dir).length === 0) {
    throw new InvalidSubmissionError([{ path: '$', rule: 'the archive holds no files' }]);
  }
}
