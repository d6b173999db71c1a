// Plain JavaScript: this runs before anything can compile TypeScript.
import { readFileSync, statSync } from 'node:fs';

/**
 * What a build read, so a launcher can tell whether the bundle still says what the sources say. Size and mtime per
 * input, as make does: stat-ing the ~350 inputs costs a few milliseconds, hashing them would cost more than the
 * start-up this saves.
 * `workers` maps worker entries (absolute source paths) to their bundles (relative to the dist folder).
 * @typedef {{ root: string, inputs: [path: string, size: number, mtimeMs: number][], workers?: Record<string, string> }} BuildManifest
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
 * The manifest when every input is as the build saw it, in the same checkout (a moved checkout's bundles name the
 * old paths of their dependencies); null otherwise.
 * @param {string} manifestPath @param {string} root
 * @returns {BuildManifest | null}
 */
export function freshManifest(manifestPath, root) {
  /** @type {BuildManifest} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return null; // never built, or a build that did not finish writing
  }
  if (manifest.root !== root) return null;
  for (const [file, size, mtimeMs] of manifest.inputs) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat === undefined || stat.size !== size || stat.mtimeMs !== mtimeMs) return null;
  }
  return manifest;
}
