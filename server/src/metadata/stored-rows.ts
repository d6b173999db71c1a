import type { Scope } from '../auth/scopes.ts';
import type { Sha256Hex } from '../names.ts';
import type { BlobRecord, TokenRecord } from './metadata-store.ts';

/** Rows of `blobs` and `tokens` as both backends store them, and the records they become. */
export interface BlobRow {
  sha256: Sha256Hex;
  size: number;
  fingerprint: string;
  verified_at: string;
}

export const toBlob = (row: BlobRow): BlobRecord => ({
  sha256: row.sha256,
  sizeBytes: row.size,
  fingerprint: row.fingerprint,
  verifiedAt: row.verified_at,
});

export interface TokenRow {
  id: string;
  name: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
  expires_at: string | null;
}

export const toToken = (row: TokenRow): TokenRecord => ({
  id: row.id,
  name: row.name,
  scopes: JSON.parse(row.scopes) as Scope[],
  createdAt: row.created_at,
  ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
});
