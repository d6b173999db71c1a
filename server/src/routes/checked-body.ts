import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Response } from 'express';
import type { Sha256Hex } from '../names.ts';

export type BodyOutcome = 'sent' | 'mismatch' | 'aborted';

/** Resolves once the response can take more bytes, or once it is gone. */
function writable(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes `source` to `res`. With `whole`, the bytes are the whole blob and are hashed on their way: the chunk that
 * would complete the body is only written once the sha256 matches, so a client never receives all the bytes of a
 * blob that rotted on disk (with HTTP/1.1 framing, a short body is an error for every client). `mismatch` leaves the
 * response open for the caller: unsent if nothing was written yet, to be cut otherwise.
 */
export async function sendCheckedBody(
  source: Readable,
  res: Response,
  whole: { sha256: Sha256Hex; sizeBytes: number } | null,
): Promise<BodyOutcome> {
  const hash = whole ? createHash('sha256') : null;
  let sent = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (res.destroyed) return 'aborted';
      if (hash && whole) {
        hash.update(chunk);
        const last = sent + chunk.length >= whole.sizeBytes;
        if (last && (sent + chunk.length !== whole.sizeBytes || hash.digest('hex') !== whole.sha256)) {
          return 'mismatch';
        }
      }
      sent += chunk.length;
      if (!res.write(chunk)) await writable(res);
    }
  } finally {
    source.destroy();
  }
  if (res.destroyed) return 'aborted';
  if (whole && sent !== whole.sizeBytes) return 'mismatch';
  res.end();
  return 'sent';
}
