// Plain JavaScript: the commands' entry points import this before anything can compile TypeScript.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DIST, MANIFEST } from './layout.js';
import { isFresh } from './manifest.js';

/**
 * Which code a command runs: its bundle (built at install by `npm ci`, or `npm run build`) while that still matches
 * the sources, else the TypeScript sources through tsx (a checkout being edited: correct, only slower to start).
 * @param {string | URL} binUrl the command's bin/ file
 * @param {string} name the command, as in the package's `compiledBins`
 * @param {string} source its entry, relative to the package folder
 * @returns {{ kind: 'bundle' | 'source', url: string }}
 */
export function chooseEntry(binUrl, name, source) {
  const packageDir = path.dirname(path.dirname(fileURLToPath(binUrl)));
  const dist = path.join(packageDir, DIST);
  if (isFresh(path.join(dist, MANIFEST), packageDir)) {
    return { kind: 'bundle', url: pathToFileURL(path.join(dist, `${name}.js`)).href };
  }
  return { kind: 'source', url: pathToFileURL(path.join(packageDir, source)).href };
}

/**
 * Runs the command's `main(argv)` and sets the exit code from it.
 * @param {string | URL} binUrl @param {string} name @param {string} source
 */
export async function launch(binUrl, name, source) {
  const entry = chooseEntry(binUrl, name, source);
  if (entry.kind === 'source') {
    // Both hooks: the tfjs runtime registers its gradients with require() of modules only tsx can load.
    const [{ register: registerEsm }, { register: registerCommonJs }] = await Promise.all([
      import('tsx/esm/api'),
      import('tsx/cjs/api'),
    ]);
    registerEsm();
    registerCommonJs();
  }
  const { main } = await import(entry.url);
  process.exitCode = await main(process.argv);
}
