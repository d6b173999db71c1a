import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * Data flows one way: dataset -> pretrain -> zoo -> heads -> eval -> server. A workspace may import only
 * workspaces of a lower rank; nuscenes-eval-ts stands alone so it can be published and used by itself.
 */
const rank: Record<string, number> = {
  // Below everything: the commands' launchers, which must load before any TypeScript can.
  '@mim4d/compiled-bins': -2,
  '@mim4d/cli-options': -2,
  // Figures: a leaf every package may draw with.
  '@mim4d/plots': -1,
  // Below dataset: the synth generator starts its workers with nuscenes-eval-ts's TypeScript worker bootstrap.
  'nuscenes-eval-ts': -1,
  '@mim4d/dataset': 0,
  '@mim4d/nn': 0,
  '@mim4d/pretrain': 1,
  '@mim4d/zoo': 2,
  // Shared by the heads: backbone weights, matching, losses, augmentation and the training loop.
  '@mim4d/finetune': 2.5,
  '@mim4d/head-bev-seg': 3,
  '@mim4d/head-detection': 3,
  '@mim4d/head-hdmap': 3,
  '@mim4d/eval': 4,
  '@mim4d/server': 5,
  '@mim4d/cli': 6,
};

/**
 * Tests that still reach into another package's `test/` folder (`importer -> imported`, repository paths). Each
 * should import what the owning package exports for other packages' tests (`<package>/testing`) instead; the list
 * may only shrink: a new case fails the test, and so does a listed case that is gone (delete its line).
 */
const KNOWN_TEST_REACHES = new Set<string>([
  'bench/eval-detection.ts -> packages/nuscenes-eval-ts/test/detection/random-case.ts',
  'eval/test/bevseg/cli.test.ts -> packages/nuscenes-eval-ts/test/bevseg/seeded-arrays.ts',
  'eval/test/detection/bin-workers.test.ts -> packages/nuscenes-eval-ts/test/detection/random-case.ts',
  'eval/test/detection/model-zoo.test.ts -> server/test/helpers/zoo-fixture.ts',
]);

interface Workspace {
  dir: string;
  name: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  exports: Record<string, string>;
}

const root = resolve(import.meta.dirname, '..');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
const workspaces: Workspace[] = rootPackage.workspaces.map((ws) => {
  const pkg = JSON.parse(readFileSync(join(root, ws, 'package.json'), 'utf8')) as Partial<Workspace> & {
    exports?: string | Record<string, string>;
  };
  return {
    dir: join(root, ws),
    name: pkg.name ?? `(${ws}/package.json has no name)`,
    dependencies: pkg.dependencies ?? {},
    devDependencies: pkg.devDependencies ?? {},
    exports: typeof pkg.exports === 'string' ? { '.': pkg.exports } : (pkg.exports ?? {}),
  };
});

const repoPath = (file: string) => relative(root, file).split(sep).join('/');
const inside = (dir: string, file: string) => file.startsWith(dir + sep);
const ownerOf = (file: string) => workspaces.find((w) => inside(w.dir, file));
const isTestFile = (ws: Workspace, file: string) => inside(join(ws.dir, 'test'), file);

/** Every TypeScript and JavaScript file of the repository that git tracks or would track. */
function repoSources(): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '-co', '--exclude-standard', '--', '*.ts', '*.mts', '*.cts', '*.js', '*.mjs', '*.cjs'],
    { cwd: root, encoding: 'utf8' },
  );
  return listed
    .split('\n')
    .filter(Boolean)
    .map((p) => join(root, p))
    .filter((p) => existsSync(p));
}

/** The package directory that a bare specifier names, found as Node would from `file`'s folder. */
function packageDir(file: string, spec: string): string | undefined {
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return join(dir, 'node_modules', name);
    if (dir === dirname(dir)) return undefined;
  }
}

type Target =
  | { kind: 'builtin' }
  | { kind: 'package' }
  | { kind: 'workspace'; workspace: Workspace; file: string }
  | { kind: 'file'; file: string };

/** Where `spec`, imported by `file`, leads; an import that leads nowhere throws with both named. */
function resolveImport(file: string, spec: string): Target {
  const fail = (why: string) => new Error(`${repoPath(file)} imports "${spec}": ${why}`);
  if (isBuiltin(spec)) return { kind: 'builtin' };
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = resolve(dirname(file), spec);
    if (!existsSync(target) || !statSync(target).isFile()) throw fail(`${repoPath(target)} is not a file`);
    return { kind: 'file', file: target };
  }
  const workspace = workspaces.find((w) => spec === w.name || spec.startsWith(`${w.name}/`));
  if (workspace) {
    const subpath = `.${spec.slice(workspace.name.length)}`;
    const entry = workspace.exports[subpath];
    if (!entry) throw fail(`${repoPath(workspace.dir)}/package.json exports no "${subpath}"`);
    const target = resolve(workspace.dir, entry);
    if (!existsSync(target)) throw fail(`its export ${repoPath(target)} does not exist`);
    return { kind: 'workspace', workspace, file: target };
  }
  if (!packageDir(file, spec)) throw fail('no such package is installed');
  return { kind: 'package' };
}

interface Edge {
  from: string;
  spec: string;
  target: Target;
}

/** Every import of every file (static, `export ... from`, dynamic `import('...')` and `require`), resolved. */
function importGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of repoSources()) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(
      file,
      importedFiles.map(({ fileName: spec }) => ({ from: file, spec, target: resolveImport(file, spec) })),
    );
  }
  return graph;
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan, iterative). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; child: number }[] = [{ node: start, child: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = graph.get(frame.node) ?? [];
      if (frame.child < targets.length) {
        const to = targets[frame.child++];
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, child: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(to) as number));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent) as number, low.get(frame.node) as number));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1 || targets.includes(frame.node)) found.push(component.sort());
      }
    }
  }
  return found;
}

describe('layering', () => {
  let graph: Map<string, Edge[]>;
  before(() => {
    graph = importGraph();
  });

  it('every workspace has a rank in the data flow', () => {
    for (const ws of workspaces) {
      assert.ok(
        ws.name in rank,
        `${repoPath(ws.dir)}/package.json: "${ws.name}" has no place in the data flow (test/layering.test.ts)`,
      );
    }
  });

  it('every workspace depends only on workspaces upstream of it', () => {
    for (const ws of workspaces) {
      for (const dep of Object.keys({ ...ws.dependencies, ...ws.devDependencies })) {
        if (!(dep in rank)) continue;
        assert.ok(
          rank[dep] < rank[ws.name],
          `${repoPath(ws.dir)}/package.json depends on ${dep}, which is downstream`,
        );
      }
    }
  });

  it('no file takes part in an import cycle', () => {
    const files = new Map(
      [...graph].map(([file, edges]) => [
        file,
        edges.flatMap((e) => ('file' in e.target ? [e.target.file] : [])),
      ]),
    );
    const found = cycles(files).map((c) => c.map(repoPath).join(' <-> '));
    assert.deepEqual(found, [], `import cycles:\n  ${found.join('\n  ')}`);
  });

  it('workspaces import only upstream workspaces they list, and stay inside their own folder', () => {
    const problems: string[] = [];
    for (const [file, edges] of graph) {
      const ws = ownerOf(file);
      if (!ws) continue;
      // Tests may use the workspace's devDependencies; what ships may use only its dependencies.
      const listed = isTestFile(ws, file) ? { ...ws.dependencies, ...ws.devDependencies } : ws.dependencies;
      const where = repoPath(file);
      for (const { spec, target } of edges) {
        if (target.kind === 'workspace') {
          if (target.workspace === ws) problems.push(`${where} imports its own package by name`);
          else if (isTestFile(target.workspace, target.file) && !isTestFile(ws, file))
            problems.push(`${where} ships with ${spec}, a test fixture`);
          else if (!(rank[target.workspace.name] < rank[ws.name]))
            problems.push(`${where} imports ${spec}, which is downstream`);
          else if (!(target.workspace.name in listed))
            problems.push(
              `${where} imports ${target.workspace.name} but ${repoPath(ws.dir)}/package.json does not list it`,
            );
        } else if (target.kind === 'file' && !inside(ws.dir, target.file)) {
          const owner = ownerOf(target.file);
          // A reach into another package's tests is listed by the next check.
          if (!(owner && isTestFile(owner, target.file)))
            problems.push(`${where} reaches outside ${repoPath(ws.dir)}/ with ${spec}`);
        }
      }
    }
    assert.deepEqual(problems, [], problems.join('\n'));
  });

  it("no file reaches into another package's test folder", () => {
    const reaches: string[] = [];
    for (const [file, edges] of graph) {
      for (const { target } of edges) {
        if (target.kind !== 'file') continue;
        const owner = ownerOf(target.file);
        if (owner && isTestFile(owner, target.file) && ownerOf(file) !== owner)
          reaches.push(`${repoPath(file)} -> ${repoPath(target.file)}`);
      }
    }
    const unlisted = reaches.filter((r) => !KNOWN_TEST_REACHES.has(r));
    const gone = [...KNOWN_TEST_REACHES].filter((r) => !reaches.includes(r));
    assert.deepEqual(
      { unlisted, gone },
      { unlisted: [], gone: [] },
      "a test reaches into another package's test/ folder (export the fixture from its package instead), or a " +
        'listed case is gone (delete it from KNOWN_TEST_REACHES)',
    );
  });
});
