import { ProblemError } from './errors.ts';
import type { MetadataStore } from './metadata/metadata-store.ts';
import type { Sha256Hex } from './names.ts';
import type { BlobStore } from './storage/blob-store.ts';

export interface IntegrityReport {
  checked: number;
  rehashed: number;
  /** Blobs whose bytes no longer hash to their name; moved to quarantine. */
  corrupt: Sha256Hex[];
  /** Recorded blobs with no bytes in the store. */
  missing: Sha256Hex[];
  /** Blobs found in the store without a record (a crash between storing and recording), now recorded. */
  adopted: Sha256Hex[];
  /** Leftover partial uploads removed. */
  incompleteRemoved: number;
}

/**
 * Keeps the promise that the server never serves bytes that do not hash to their name. Each recorded blob carries
 * the store's fingerprint from its last verification; a blob whose fingerprint changed is re-hashed before it is
 * served, and quarantined if the hash differs. Changes the fingerprint cannot see (bit rot) are caught by the block
 * checksums every read is checked against (see the blob store), by the periodic scrub and by `fsck`.
 */
export class BlobIntegrity {
  private readonly inFlight = new Map<Sha256Hex, Promise<boolean>>();

  constructor(
    private readonly blobs: BlobStore,
    private readonly meta: MetadataStore,
    private readonly log: (line: string) => void,
  ) {}

  /** Throws a 500 `BlobCorrupt` problem unless the blob is present and its bytes match its sha256. */
  async assertServable(sha256: Sha256Hex): Promise<void> {
    const record = await this.meta.getBlob(sha256);
    const stat = await this.blobs.stat(sha256);
    if (!record || !stat) {
      throw new ProblemError(
        500,
        'BlobCorrupt',
        `blob ${sha256} is missing from storage; re-upload it or run fsck`,
      );
    }
    if (stat.fingerprint === record.fingerprint && stat.sizeBytes === record.sizeBytes) return;
    if (!(await this.verifyOnce(sha256))) {
      throw new ProblemError(
        500,
        'BlobCorrupt',
        `stored bytes of blob ${sha256} no longer match it; quarantined`,
      );
    }
  }

  /**
   * A read found a block that no longer matches its checksum although the fingerprint did not change (bit rot): the
   * bytes are re-hashed from the store and, if they no longer hash to the name, quarantined.
   */
  async reportMismatch(sha256: Sha256Hex): Promise<void> {
    this.log(`blob ${sha256}: a block read back damaged; re-hashing it`);
    await this.verifyOnce(sha256);
  }

  /**
   * Re-hashes every recorded blob, as fsck does, while the server runs (it leaves partial uploads alone); returns
   * the blobs found corrupt, now quarantined.
   */
  async scrub(): Promise<Sha256Hex[]> {
    const corrupt: Sha256Hex[] = [];
    for (const record of await this.meta.listBlobs()) {
      if (!(await this.blobs.stat(record.sha256))) continue;
      if (!(await this.verifyOnce(record.sha256))) corrupt.push(record.sha256);
    }
    return corrupt;
  }

  /** Runs {@link scrub} every `intervalMs` (never two at once); call the result to stop. */
  scrubEvery(intervalMs: number): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.scrub()
        .then((corrupt) => {
          for (const sha256 of corrupt)
            this.log(`scrub: blob ${sha256} is corrupt; quarantined, re-upload it`);
        })
        .catch((error: unknown) => this.log(`scrub failed: ${(error as Error).stack ?? error}`))
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Re-hashes a blob (once, however many requests ask at the same time); true when the bytes still match. */
  private verifyOnce(sha256: Sha256Hex): Promise<boolean> {
    let pending = this.inFlight.get(sha256);
    if (!pending) {
      pending = this.verify(sha256).finally(() => this.inFlight.delete(sha256));
      this.inFlight.set(sha256, pending);
    }
    return pending;
  }

  private async verify(sha256: Sha256Hex): Promise<boolean> {
    const before = await this.blobs.stat(sha256);
    if (!before) return false;
    const actual = await this.blobs.rehash(sha256);
    if (actual.sha256 !== sha256) {
      this.log(`blob ${sha256} hashes to ${actual.sha256}: moving it to quarantine`);
      await this.blobs.quarantine(sha256);
      return false;
    }
    await this.meta.recordBlob({
      sha256,
      sizeBytes: before.sizeBytes,
      fingerprint: actual.fingerprint,
      verifiedAt: new Date().toISOString(),
    });
    return true;
  }

  /** Called once a write is durable: the fingerprint of freshly verified bytes. */
  async recordVerified(sha256: Sha256Hex): Promise<void> {
    const stat = await this.blobs.stat(sha256);
    if (!stat) throw new Error(`blob ${sha256} vanished right after it was stored`);
    await this.meta.recordBlob({
      sha256,
      sizeBytes: stat.sizeBytes,
      fingerprint: stat.fingerprint,
      verifiedAt: new Date().toISOString(),
    });
  }

  /** True when the blob is recorded and its bytes are in the store (a quarantined blob may be uploaded again). */
  async isStored(sha256: Sha256Hex, sizeBytes: number): Promise<boolean> {
    const record = await this.meta.getBlob(sha256);
    return record !== null && record.sizeBytes === sizeBytes && (await this.blobs.stat(sha256)) !== null;
  }

  /**
   * Removes blobs no revision names (pushes whose commit never came, or was refused) that were stored more than
   * `olderThanMs` ago; younger ones may belong to a push still under way. Returns the removed blobs.
   */
  async collectGarbage(options: { olderThanMs: number }): Promise<Sha256Hex[]> {
    const referenced = new Set(await this.meta.referencedBlobs());
    const removed: Sha256Hex[] = [];
    const now = Date.now();
    for (const record of await this.meta.listBlobs()) {
      if (referenced.has(record.sha256)) continue;
      const stat = await this.blobs.stat(record.sha256);
      if (stat && now - stat.storedAtMs < options.olderThanMs) continue;
      if (!(await this.meta.forgetUnreferencedBlob(record.sha256))) continue;
      await this.blobs.remove(record.sha256);
      removed.push(record.sha256);
    }
    return removed;
  }

  /**
   * Brings store and records back in line: removes partial uploads, records blobs stored just before a crash, and
   * re-hashes blobs whose fingerprint changed (or, with `full`, every blob).
   */
  async check(options: { full: boolean }): Promise<IntegrityReport> {
    const report: IntegrityReport = {
      checked: 0,
      rehashed: 0,
      corrupt: [],
      missing: [],
      adopted: [],
      incompleteRemoved: await this.blobs.removeIncomplete(),
    };
    for await (const sha256 of this.blobs.list()) {
      if (await this.meta.getBlob(sha256)) continue;
      report.rehashed++;
      if ((await this.blobs.rehash(sha256)).sha256 === sha256) {
        await this.recordVerified(sha256);
        report.adopted.push(sha256);
      } else {
        await this.blobs.quarantine(sha256);
        report.corrupt.push(sha256);
      }
    }
    for (const record of await this.meta.listBlobs()) {
      report.checked++;
      const stat = await this.blobs.stat(record.sha256);
      if (!stat) {
        report.missing.push(record.sha256);
        continue;
      }
      if (!options.full && stat.fingerprint === record.fingerprint && stat.sizeBytes === record.sizeBytes)
        continue;
      report.rehashed++;
      if (!(await this.verify(record.sha256))) report.corrupt.push(record.sha256);
    }
    return report;
  }
}
