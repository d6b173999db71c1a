// Plain JavaScript: this runs before anything can compile TypeScript.
import { readFileSync, statSync } from 'node:fs';

/**
 * What a build read, so a launcher can tell whether the bundle still says what the sources say. Size and mtime per
 * input, as make does: stat-ing the ~350 inputs costs a few milliseconds, hashing them would cost more than the
 * start-up this saves.
 * @typedef {{ root: string, inputs: [path: string, size: number, mtimeMs: number][] }} BuildManifest
 */

/** @param {string[]} absolutePaths @param {string} root @returns {BuildManifest} */
export function manifestOf(absolutePaths, root) {
  return {
    root,
    inputs: absolutePaths.map((file) => {
      const stat = statSync(file);
      return [file, stat.size, stat.mtimeMs];
    }),
  };
}

/**
 * True when every input is as the build saw it, in the same checkout (a moved checkout's bundles name the old
 * paths of their dependencies).
 * @param {string} manifestPath @param {string} root
 */
export function isFresh(manifestPath, root) {
  /** @type {BuildManifest} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return false; // never built, or a build that did not finish writing
  }
  if (manifest.root !== root) return false;
  for (const [file, size, mtimeMs] of manifest.inputs) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat === undefined || stat.size !== size || stat.mtimeMs !== mtimeMs) return false;
  }
  return true;
}
