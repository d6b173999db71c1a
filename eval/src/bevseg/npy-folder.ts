/**
 * A set of per-sample arrays in the directory layout `mim4d-eval bev-seg` and the zoo's bev-seg benchmark read:
 * `tokens.json` (sample tokens in order) and one `<token>.npy` each. Files go into a temporary folder beside the
 * destination, which replaces it once complete, so a failed run never leaves a partial set to be scored.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { npyBytes } from 'nuscenes-eval-ts';

export class NpyFolderWriter {
  private readonly tokens: string[] = [];

  private constructor(
    readonly dest: string,
    private readonly tmp: string,
  ) {}

  static async open(dest: string): Promise<NpyFolderWriter> {
    const tmp = join(
      dirname(dest),
      `.${basename(dest)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
    await mkdir(tmp, { recursive: true });
    return new NpyFolderWriter(dest, tmp);
  }

  /** `descr` is numpy's dtype string (`<f4` probabilities, `|u1` masks). */
  async add(token: string, descr: string, shape: readonly number[], data: ArrayBufferView): Promise<void> {
    if (!/^[0-9A-Za-z_-]+$/.test(token)) throw new Error(`sample token "${token}" cannot name a file`);
    await writeFile(join(this.tmp, `${token}.npy`), npyBytes(descr, shape, data));
    this.tokens.push(token);
  }

  /** Writes tokens.json and puts the folder in place of `dest`. */
  async finish(): Promise<string> {
    await writeFile(join(this.tmp, 'tokens.json'), `${JSON.stringify(this.tokens)}\n`);
    await rm(this.dest, { recursive: true, force: true });
    await rename(this.tmp, this.dest);
    return this.dest;
  }

  async abort(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
  }
}
