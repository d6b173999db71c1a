import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The dataset's output folder. Refuses a non-empty folder unless forced; when forced it replaces only the entries a
 * nuScenes dataroot consists of (samples/, sweeps/, maps/ and the version folder) and leaves everything else.
 */
export class OutputFolder {
  files = 0;
  bytes = 0;

  constructor(
    readonly root: string,
    version: string,
    force: boolean,
  ) {
    if (existsSync(root)) {
      if (!statSync(root).isDirectory()) throw new Error(`synth: --out ${root} exists and is not a folder`);
      const entries = readdirSync(root);
      if (entries.length > 0) {
        if (!force) {
          throw new Error(
            `synth: --out ${root} is not empty (${entries.length} entries: ${entries.slice(0, 5).join(', ')}${
              entries.length > 5 ? ', ...' : ''
            }); pass --force to replace its samples/, sweeps/, maps/ and ${version}/ (other entries are kept)`,
          );
        }
        for (const entry of ['samples', 'sweeps', 'maps', version]) {
          rmSync(join(root, entry), { recursive: true, force: true });
        }
      }
    }
    mkdirSync(root, { recursive: true });
  }

  /** Writes `data` at `relative` (a dataroot-relative path with forward slashes), creating folders as needed. */
  write(relative: string, data: Uint8Array | string): void {
    const path = join(this.root, ...relative.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    this.files++;
    this.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  }
}
