// Plain JavaScript: the commands' entry points import this before anything can compile TypeScript.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DIST, MANIFEST } from './layout.js';
import { freshManifest } from './manifest.js';

/**
 * Which code a command runs: its bundle (built at install by `npm ci`, or `npm run build`) while that still matches
 * the sources, else the TypeScript sources through tsx (a checkout being edited: correct, only slower to start).
 * @param {string | URL} binUrl the command's bin/ file
 * @param {string} name the command, as in the package's `compiledBins`
 * @param {string} source its entry, relative to the package folder
 * @returns {{ kind: 'bundle' | 'source', url: string, workers: Map<string, string> }} `workers`: compiled worker
 *   entries, absolute source path -> absolute bundle path (empty when running from source)
 */
export function chooseEntry(binUrl, name, source) {
  const packageDir = path.dirname(path.dirname(fileURLToPath(binUrl)));
  const dist = path.join(packageDir, DIST);
  const manifest = freshManifest(path.join(dist, MANIFEST), packageDir);
  if (manifest) {
    const workers = Object.entries(manifest.workers ?? {}).map(([entry, file]) => [
      entry,
      path.join(dist, file),
    ]);
    return {
      kind: 'bundle',
      url: pathToFileURL(path.join(dist, `${name}.js`)).href,
      workers: new Map(/** @type {[string, string][]} */ (workers)),
    };
  }
  return { kind: 'source', url: pathToFileURL(path.join(packageDir, source)).href, workers: new Map() };
}

/**
 * Where nuscenes-eval-ts's `startTypeScriptWorker` looks for compiled worker entries (it must stand alone, so it
 * reads a registry under a global symbol rather than importing this package).
 */
export const COMPILED_WORKERS = Symbol.for('mim4d.compiled-workers');

/**
 * Runs the command's `main(argv)` and sets the exit code from it.
 * @param {string | URL} binUrl @param {string} name @param {string} source
 */
export async function launch(binUrl, name, source) {
  const entry = chooseEntry(binUrl, name, source);
  /** @type {Record<symbol, unknown>} */ (globalThis)[COMPILED_WORKERS] = entry.workers;
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
