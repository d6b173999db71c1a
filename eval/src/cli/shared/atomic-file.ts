/**
 * Files that appear whole or not at all: bytes go to a temporary name beside the destination, renamed over it
 * once complete, so a failed or interrupted run never leaves a truncated output for a later tool to read.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempPathBeside(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

export async function writeFileAtomic(dest: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = tempPathBeside(dest);
  try {
    await writeFile(tmp, data, { flag: 'wx' });
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** A file written piece by piece (too large for one string), published by `commit` or removed by `abort`. */
export class AtomicFileWriter {
  private constructor(
    readonly dest: string,
    private readonly tmp: string,
    private readonly stream: WriteStream,
  ) {}

  static async open(dest: string): Promise<AtomicFileWriter> {
    await mkdir(dirname(dest), { recursive: true });
    const tmp = tempPathBeside(dest);
    const stream = createWriteStream(tmp, { flags: 'wx' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return new AtomicFileWriter(dest, tmp, stream);
  }

  /** Waits for the stream to drain when it is full, so memory stays bounded however large the file grows. */
  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        this.stream.once('error', onError);
        this.stream.once('drain', () => {
          this.stream.off('error', onError);
          resolve();
        });
      });
    }
  }

  async commit(): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.stream.once('error', reject);
        this.stream.end(() => resolve());
      });
      await rename(this.tmp, this.dest);
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (!this.stream.destroyed) {
      await new Promise<void>((resolve) => this.stream.destroy().once('close', () => resolve()));
    }
    await rm(this.tmp, { force: true });
  }
}
