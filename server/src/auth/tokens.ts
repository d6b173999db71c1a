import { createHash, randomBytes } from 'node:crypto';
import type { MetadataStore, TokenRecord } from '../metadata/metadata-store.ts';
import type { Scope } from './scopes.ts';

const PREFIX = 'mzt_';

/** Only the sha256 of a secret is stored: a leaked database holds no usable token. */
export function secretSha256(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * Creates a token. The secret is shown once and never stored; it works once `stored` resolves (at once with the
 * embedded SQLite store, which writes synchronously).
 */
export function createToken(
  store: MetadataStore,
  name: string,
  scopes: Scope[],
  options: { expiresAt?: string } = {},
): { secret: string; stored: Promise<TokenRecord> } {
  const secret = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  const stored = store.createToken({
    id: `tok_${randomBytes(6).toString('hex')}`,
    secretSha256: secretSha256(secret),
    name,
    scopes,
    ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
  });
  return { secret, stored };
}

export async function findToken(store: MetadataStore, secret: string): Promise<TokenRecord | null> {
  if (!secret.startsWith(PREFIX) || secret.length > 128) return null;
  return store.findTokenBySecretSha256(secretSha256(secret));
}
