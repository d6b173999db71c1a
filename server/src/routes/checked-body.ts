import type { Readable } from 'node:stream';
import type { Response } from 'express';
import { BlobCorruptError } from '../storage/blob-store.ts';
import { recycleBlock } from '../storage/block-sums.ts';

export type BodyOutcome = 'sent' | 'corrupt' | 'aborted';

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
 * Writes a blob store's checked read stream to `res`. The store fails the stream before handing out a damaged block,
 * so no damaged byte is sent; `corrupt` leaves the response to the caller: unsent if nothing was written yet, to be
 * cut otherwise (with HTTP/1.1 framing, a short body is an error for every client).
 */
export async function sendCheckedBody(source: Readable, res: Response): Promise<BodyOutcome> {
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (res.destroyed) return 'aborted';
      if (!res.write(chunk, () => recycleBlock(chunk))) await writable(res);
    }
  } catch (error) {
    if (error instanceof BlobCorruptError) return 'corrupt';
    throw error;
  } finally {
    source.destroy();
  }
  if (res.destroyed) return 'aborted';
  res.end();
  return 'sent';
}
