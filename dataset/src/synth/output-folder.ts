import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Makes `root` ready to hold a dataset. Refuses a non-empty folder unless forced; when forced it removes only the
 * entries a nuScenes dataroot consists of (samples/, sweeps/, maps/ and the version folder) and keeps everything
 * else.
 */
export function prepareOutputFolder(root: string, version: string, force: boolean): void {
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

/** Writes dataset files under a dataroot, counting files and bytes. */
export class DatasetFiles {
  files = 0;
  bytes = 0;

  constructor(readonly root: string) {}

  /** Writes `data` at `relative` (a dataroot-relative path with forward slashes), creating folders as needed. */
  write(relative: string, data: Uint8Array | string): void {
    const path = join(this.root, ...relative.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    this.files++;
    this.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  }
}
