import { basename } from 'node:path';
import type { Request, Response } from 'express';
import type { ZooContext } from '../context.ts';
import { ProblemError } from '../errors.ts';
import type { Sha256Hex } from '../names.ts';
import { sendCheckedBody } from './checked-body.ts';

export interface BlobToSend {
  sha256: Sha256Hex;
  sizeBytes: number;
  /** Path of the file in its revision (for Content-Disposition), or the hex for bare blobs. */
  path: string;
  /** The revision the file was resolved in; absent for content-addressed blob URLs. */
  revision?: string;
  cacheControl: string;
}

/** If-Match uses the strong comparison (RFC 9110 §13.1.1): only our exact ETag or `*` passes. */
function ifMatchFails(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = header.split(',').map((t) => t.trim());
  return !tags.includes('*') && !tags.includes(etag);
}

/**
 * If-Range makes a Range conditional: it applies only while the caller's validator still names these bytes. Our
 * ETag is strong and we send no Last-Modified, so a date or any other tag means "send the whole file".
 */
function rangeStillValid(header: string | undefined, etag: string): boolean {
  return header === undefined || header.trim() === etag;
}

/**
 * Sends a blob with HTTP semantics that any blob store can back: one Range -> 206 (several -> the whole file),
 * unsatisfiable -> 416 with `Content-Range: bytes *\/size`, malformed -> ignored (RFC 9110), If-Range, If-Match ->
 * 412, If-None-Match -> 304, HEAD; or, from a store that hands out its own URLs, a 302 to one (GET and HEAD, as the
 * HF Hub answers with its CDN, the headers above included). Range parsing is Express's `req.range` (range-parser) and freshness its
 * `req.fresh` (fresh), so only the wiring is ours. Bytes are never served before their sha256 is vouched for: a
 * changed fingerprint is re-hashed first, and every block read is checked against the checksum taken from the
 * verified bytes; a damaged block is never sent (the response is cut, or answered 500 if nothing went out yet).
 */
export async function sendBlob(
  ctx: ZooContext,
  req: Request,
  res: Response,
  blob: BlobToSend,
): Promise<void> {
  await ctx.integrity.assertServable(blob.sha256);
  const etag = `"${blob.sha256}"`;
  res.setHeader('ETag', etag);
  res.setHeader('X-Linked-Etag', etag);
  res.setHeader('X-Linked-Size', String(blob.sizeBytes));
  res.setHeader('X-Zoo-Sha256', blob.sha256);
  res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(blob.sha256, 'hex').toString('base64')}:`);
  if (blob.revision) {
    res.setHeader('X-Zoo-Revision', blob.revision);
    res.setHeader('X-Repo-Commit', blob.revision);
  }
  res.setHeader('Cache-Control', blob.cacheControl);
  res.setHeader('Accept-Ranges', 'bytes');

  if (ifMatchFails(req.get('If-Match'), etag)) {
    throw new ProblemError(412, 'PreconditionFailed', `If-Match does not name ${etag}`);
  }
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  // Checked above: the caller may see the blob and its bytes are the verified ones (an object store cannot rot them
  // without changing the fingerprint). The zoo client and huggingface_hub drop the bearer token on this redirect.
  const elsewhere = await ctx.blobs.downloadUrl?.(blob.sha256, {
    filename: basename(blob.path),
    cacheControl: blob.cacheControl,
  });
  if (elsewhere) {
    // The URL expires and names the caller's right to the bytes: no cache may keep the redirect.
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, elsewhere);
    return;
  }
  res.attachment(basename(blob.path));
  res.setHeader('Content-Type', 'application/octet-stream');

  let range: { start: number; end: number } | undefined;
  if (rangeStillValid(req.get('If-Range'), etag)) {
    const ranges = req.range(blob.sizeBytes, { combine: true });
    if (ranges === -1) {
      res.setHeader('Content-Range', `bytes */${blob.sizeBytes}`);
      throw new ProblemError(
        416,
        'InvalidRange',
        `no byte of the requested range lies within ${blob.sizeBytes} bytes`,
      );
    }
    if (Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1) {
      range = { start: ranges[0].start, end: ranges[0].end };
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${blob.sizeBytes}`);
    }
  }
  res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : blob.sizeBytes));
  if (req.method === 'HEAD' || blob.sizeBytes === 0) {
    res.end();
    return;
  }
  const outcome = await sendCheckedBody(ctx.blobs.readStream(blob.sha256, range), res);
  if (outcome !== 'corrupt') return;
  await ctx.integrity.reportMismatch(blob.sha256);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  throw new ProblemError(
    500,
    'BlobCorrupt',
    `stored bytes of blob ${blob.sha256} no longer match it; quarantined`,
  );
}
