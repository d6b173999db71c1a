import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const VENV = join(tmpdir(), 'mim4d-hf-venv');

const imports = (python: string) =>
  run(python, ['-c', 'import huggingface_hub'], { timeout: 60_000 }).then(
    () => true,
    () => false,
  );

/**
 * The local package mirrors in pip's configuration (file:// indexes and find-links folders). Only these are used to
 * install huggingface_hub: the test suite downloads nothing from the network.
 */
async function localMirrors(): Promise<{ indexes: string[]; findLinks: string[] }> {
  const { stdout } = await run('python3', ['-m', 'pip', 'config', 'list'], { timeout: 60_000 });
  const values = (key: string) =>
    stdout
      .split('\n')
      .filter((line) => new RegExp(`^[^=]*\\.${key}=`).test(line))
      .flatMap((line) =>
        line
          .slice(line.indexOf('=') + 1)
          .replace(/^'|'$/g, '')
          .split(/\s+/),
      );
  return {
    indexes: [...new Set([...values('index-url'), ...values('extra-index-url')])].filter((u) =>
      u.startsWith('file://'),
    ),
    findLinks: [...new Set(values('find-links'))].filter((p) => p.startsWith('/') && existsSync(p)),
  };
}

/**
 * A Python that imports huggingface_hub: python3 itself, a venv made earlier, or a venv made now from the local
 * wheel mirror; otherwise the reason there is none.
 */
export async function pythonWithHfHub(): Promise<{ python: string } | { skip: string }> {
  if (
    !(await run('python3', ['--version']).then(
      () => true,
      () => false,
    ))
  )
    return { skip: 'no python3' };
  if (await imports('python3')) return { python: 'python3' };
  const venvPython = join(VENV, 'bin', 'python');
  if (existsSync(venvPython) && (await imports(venvPython))) return { python: venvPython };
  const mirrors = await localMirrors().catch(() => ({ indexes: [], findLinks: [] }));
  if (mirrors.indexes.length === 0 && mirrors.findLinks.length === 0) {
    return { skip: "huggingface_hub is not installed and pip's configuration names no local mirror" };
  }
  try {
    await run('python3', ['-m', 'venv', VENV], { timeout: 120_000 });
    const [index, ...extra] = mirrors.indexes;
    await run(venvPython, ['-m', 'pip', 'install', '-q', 'huggingface_hub'], {
      timeout: 300_000,
      env: {
        ...process.env,
        // Without a local index, --no-index keeps pip off the network and on the find-links folders.
        ...(index ? { PIP_INDEX_URL: index, PIP_EXTRA_INDEX_URL: extra.join(' ') } : { PIP_NO_INDEX: '1' }),
        PIP_FIND_LINKS: mirrors.findLinks.join(' '),
      },
    });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? error)
      .trim()
      .split('\n')
      .at(-1);
    return { skip: `installing huggingface_hub from the local mirror failed: ${stderr}` };
  }
  return (await imports(venvPython)) ? { python: venvPython } : { skip: 'huggingface_hub did not import' };
}
