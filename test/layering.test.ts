import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * Data flows one way: dataset -> pretrain -> zoo -> heads -> eval -> server. A workspace may import only
 * workspaces of a lower rank; nuscenes-eval-ts stands alone so it can be published and used by itself.
 */
const rank: Record<string, number> = {
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

const root = resolve(import.meta.dirname, '..');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(entry) ? [path] : [];
  });
}

const importPattern = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(importPattern)].map((m) => m[1]);
}

describe('workspace layering', () => {
  it('every workspace has a rank in the data flow', () => {
    for (const ws of rootPackage.workspaces) {
      const { name } = JSON.parse(readFileSync(join(root, ws, 'package.json'), 'utf8')) as { name: string };
      assert.ok(
        name in rank,
        `${ws}/package.json: "${name}" has no place in the data flow (test/layering.test.ts)`,
      );
    }
  });

  for (const ws of rootPackage.workspaces) {
    const pkg = JSON.parse(readFileSync(join(root, ws, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
    };
    it(`${pkg.name} depends only on workspaces upstream of it`, () => {
      for (const dep of Object.keys(pkg.dependencies ?? {})) {
        if (!(dep in rank)) continue;
        assert.ok(rank[dep] < rank[pkg.name], `${ws}/package.json depends on ${dep}, which is downstream`);
      }
    });

    it(`${pkg.name} imports only upstream workspaces and stays inside its own folder`, () => {
      const dir = join(root, ws);
      for (const sub of ['src', 'bin']) {
        let files: string[] = [];
        try {
          files = sourceFiles(join(dir, sub));
        } catch {
          continue;
        }
        for (const file of files) {
          for (const spec of importsOf(file)) {
            const where = relative(root, file);
            const workspace = Object.keys(rank).find((n) => spec === n || spec.startsWith(`${n}/`));
            if (workspace) {
              assert.ok(
                workspace !== pkg.name || spec === pkg.name,
                `${where} imports its own package by name`,
              );
              if (workspace !== pkg.name) {
                assert.ok(rank[workspace] < rank[pkg.name], `${where} imports ${spec}, which is downstream`);
                assert.ok(
                  spec in (pkg.dependencies ?? {}) || workspace in (pkg.dependencies ?? {}),
                  `${where} imports ${workspace} but ${ws}/package.json does not list it`,
                );
              }
            } else if (spec.startsWith('.')) {
              const target = resolve(file, '..', spec);
              assert.ok(target.startsWith(dir + '/'), `${where} reaches outside ${ws}/ with ${spec}`);
            }
          }
        }
      }
    });
  }
});
