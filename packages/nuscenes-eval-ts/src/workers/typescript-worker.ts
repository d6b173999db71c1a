/**
 * Worker threads whose entry is a TypeScript module. Workers do not inherit tsx from the thread that starts
 * them (whichever way it was installed: --import, the tsx binary, or tsx's register API as the bins use), so a
 * small bootstrap installs it in the worker before loading the entry.
 *
 * The bootstrap uses tsx's require hook, which compiles the entry and its imports to CommonJS in the worker's
 * own thread. tsx's ESM loader would run on a hooks thread of its own, started again for every worker: a worker
 * then took about 0.6 s of CPU to load the detection parser instead of 0.3 s. The price: modules a worker
 * loads must not use top-level await, which CommonJS cannot express (esbuild refuses to compile them).
 *
 * A program running from compiled bundles (the mim4d commands, see packages/compiled-bins) registers bundles of
 * its worker entries under the global symbol `mim4d.compiled-workers` (source path -> bundle path); those start
 * directly, with nothing to compile.
 *
 * It lives in nuscenes-eval-ts because that package must stand alone; other workspaces import it as
 * `nuscenes-eval-ts/typescript-worker`.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const COMPILED_WORKERS = Symbol.for('mim4d.compiled-workers');

/** The bundle of `entry` when this program runs from compiled bundles and bundled it. */
function compiledBundle(entry: URL): string | undefined {
  const compiled = (globalThis as { [COMPILED_WORKERS]?: ReadonlyMap<string, string> })[COMPILED_WORKERS];
  return compiled?.get(fileURLToPath(entry));
}

/** Script text that installs tsx's require hook and then loads `entry`. */
function tsxBootstrap(entry: URL): string {
  const tsx = JSON.stringify(createRequire(import.meta.url).resolve('tsx/cjs/api'));
  return `require(${tsx}).register(); require(${JSON.stringify(fileURLToPath(entry))});`;
}

/** A worker running the TypeScript module at `entry`; `execArgv` is cleared so tsx is not installed twice. */
export function startTypeScriptWorker(entry: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const bundle = compiledBundle(entry);
  if (bundle !== undefined) return new Worker(pathToFileURL(bundle), { ...options, execArgv: [] });
  return new Worker(tsxBootstrap(entry), { ...options, eval: true, execArgv: [] });
}

/**
 * Node's arguments for a child process that runs the TypeScript module at `entry` (for work that needs its own
 * process: its own CPU clock, memory, or crash domain): its bundle when there is one, else the sources through
 * tsx's ESM loader. A process starts rarely, so the loader's hooks thread costs little here, and unlike the require
 * hook it loads modules that use top-level await.
 */
export function typeScriptChildArgs(entry: URL): string[] {
  const bundle = compiledBundle(entry);
  return bundle !== undefined ? [bundle] : ['--import', import.meta.resolve('tsx'), fileURLToPath(entry)];
}
