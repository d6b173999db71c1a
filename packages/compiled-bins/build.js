// Plain JavaScript: it runs at install, before anything can compile TypeScript.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { DIST, MANIFEST } from './layout.js';
import { manifestOf } from './manifest.js';

/**
 * The bundles run the same code as the sources, so `import.meta.url` and `import.meta.dirname` keep naming the
 * source file: files read beside a module (schemas, the web stylesheet), TypeScript workers and child processes
 * started from source, and createRequire() resolutions all behave as they do under tsx.
 */
/** @type {import('esbuild').Plugin} */
const keepSourceLocation = {
  name: 'keep-source-location',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = (await readFile(args.path, 'utf8'))
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)));
      return { contents: text, loader: 'ts' };
    });
  },
};

/**
 * Our own TypeScript packages are bundled; every other package stays an import, by the absolute path it resolves
 * to from the importing file (a workspace's own node_modules included), with the import or require conditions
 * of the importing statement. tfjs-core's gradient and chained-op registrations are the exception: they ship as
 * ES modules with extension-less imports that Node cannot load, so they are bundled (under tsx, its require
 * hook loads them).
 * @param {(specifier: string) => boolean} isOwnPackage
 * @returns {import('esbuild').Plugin}
 */
function externalDependencies(isOwnPackage) {
  return {
    name: 'external-dependencies',
    setup(builder) {
      builder.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'resolving') return undefined;
        if (args.path.startsWith('node:')) return { external: true };
        if (isOwnPackage(args.path) || args.path.startsWith('@tensorflow/tfjs-core/dist/')) return undefined;
        const resolved = await builder.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'resolving',
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        return { path: resolved.path, external: true };
      });
    },
  };
}

/** @param {string} dir */
async function readPackage(dir) {
  return JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
}

/**
 * Bundles the `compiledBins` entries of one workspace package ({"mim4d-eval": "./src/cli/main.ts"}) into its
 * dist/ folder, one ES module per command plus shared chunks (subcommands imported on demand stay out of the
 * start-up path), and beside them `workerEntries` (absolute paths of TypeScript worker modules), whose bundles
 * the manifest lists so the launcher can start workers without compiling them. The manifest is removed first and
 * written last, so an interrupted build is never taken for a fresh one.
 * @param {string} packageDir @param {string[]} ownPackageNames @param {string[]} [workerEntries]
 */
export async function buildPackageBins(packageDir, ownPackageNames, workerEntries = []) {
  const pkg = await readPackage(packageDir);
  const entries = pkg.compiledBins ?? {};
  if (Object.keys(entries).length === 0) return [];
  const outdir = path.join(packageDir, DIST);
  await rm(path.join(outdir, MANIFEST), { force: true });
  await rm(outdir, { recursive: true, force: true });
  const isOwnPackage = (/** @type {string} */ specifier) =>
    ownPackageNames.some((name) => specifier === name || specifier.startsWith(`${name}/`));
  const result = await build({
    entryPoints: {
      ...Object.fromEntries(
        Object.entries(entries).map(([name, source]) => [name, path.join(packageDir, source)]),
      ),
      ...Object.fromEntries(workerEntries.map((source) => [workerBundleName(source), source])),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    // ES module output has no `require`; bundled CommonJS (the tfjs registrations) needs one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    plugins: [keepSourceLocation, externalDependencies(isOwnPackage)],
  });
  const cwd = process.cwd();
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(cwd, input));
  const workers = Object.fromEntries(
    workerEntries.map((source) => [source, `${workerBundleName(source)}.js`]),
  );
  await writeFile(
    path.join(outdir, MANIFEST),
    JSON.stringify({ ...manifestOf(inputs, packageDir), workers }),
  );
  return Object.keys(entries);
}

/** A worker's bundle name: its file name and a hash of its path (two packages may both have a `worker.ts`). */
function workerBundleName(/** @type {string} */ source) {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 8);
  return `workers/${path.basename(source, '.ts')}-${hash}`;
}

/**
 * Every workspace of the repository at `root` that declares compiled bins; returns the commands built.
 * @param {string} root
 */
export async function buildWorkspaceBins(root) {
  const rootPackage = await readPackage(root);
  /** @type {string[]} */
  const dirs = (rootPackage.workspaces ?? []).map((/** @type {string} */ workspace) =>
    path.join(root, workspace),
  );
  const packages = await Promise.all(dirs.map(readPackage));
  const names = packages.map((pkg) => pkg.name);
  // Any command may start any workspace's workers, so every command package gets them all.
  const workers = packages.flatMap((pkg, i) =>
    (pkg.compiledWorkers ?? []).map((/** @type {string} */ entry) => path.join(dirs[i], entry)),
  );
  /** @type {string[]} */
  const built = [];
  for (const dir of dirs) built.push(...(await buildPackageBins(dir, names, workers)));
  return built;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const root = process.argv[2] ?? process.cwd();
  const started = performance.now();
  const built = await buildWorkspaceBins(root);
  console.log(`compiled ${built.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
