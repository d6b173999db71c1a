import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';

export interface HeldLock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** Checked while waiting: another holder may finish the blob, and then there is nothing left to do. */
  isDone(): Promise<boolean>;
  /** Called once when the lock is found held by someone else. */
  onWait?(): void;
  /** A lock whose holder stopped refreshing it this long ago is taken over. Default 30 s. */
  staleMs?: number;
  /** Pause between attempts while another holder is alive. Default 200 ms. */
  pollMs?: number;
}

/**
 * Takes the lock `<path>.lock` (a directory, which works on NFS where flock does not), waiting while a live holder
 * has it. Resolves `'done'` when the awaited result appeared meanwhile, or `null` when locking itself fails (read-only
 * or odd filesystem): the caller then works without the lock in a private temporary file, so a failed lock costs
 * bandwidth, never correctness.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<HeldLock | 'done' | null> {
  const staleMs = options.staleMs ?? 30_000;
  let waited = false;
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch {
    return null;
  }
  for (;;) {
    try {
      const release = await lockfile.lock(path, {
        realpath: false,
        lockfilePath: `${path}.lock`,
        stale: staleMs,
        update: Math.max(1000, Math.floor(staleMs / 3)),
        retries: 0,
        // Losing the lock to a stale takeover (a frozen process) can at worst interleave two writers in the
        // partial file; the hash check then refuses it. The default handler would throw from a timer instead.
        onCompromised: () => {},
      });
      return { release: () => release().catch(() => {}) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') return null;
    }
    if (await options.isDone()) return 'done';
    if (!waited) {
      waited = true;
      options.onWait?.();
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}
