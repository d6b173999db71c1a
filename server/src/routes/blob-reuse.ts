import { type Principal, privateVisibility } from '../auth/scopes.ts';
import type { ZooContext } from '../context.ts';
import type { Sha256Hex } from '../names.ts';

/**
 * True when the caller may use a stored blob without sending its bytes: a model it may read names the blob, or it
 * uploaded the bytes itself. Knowing a sha256 and size is not enough, or anyone who learnt the hash of a private
 * checkpoint could publish it under their own model; everyone else must upload the bytes, which proves possession.
 */
export async function mayReuseStoredBlob(
  ctx: ZooContext,
  principal: Principal,
  sha256: Sha256Hex,
  sizeBytes: number,
): Promise<boolean> {
  if (!(await ctx.integrity.isStored(sha256, sizeBytes))) return false;
  if (await ctx.meta.findVisibleBlob(sha256, privateVisibility(principal))) return true;
  return principal.kind === 'token' && (await ctx.meta.hasUploaded(sha256, principal.tokenId));
}
