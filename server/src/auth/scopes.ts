/**
 * `read` sees every private model, `read:<ns>` the private models of one namespace, `write:<ns>` uploads, commits
 * and tags in that namespace (and reads it), `admin` does everything.
 */
export type Scope = 'read' | 'admin' | `read:${string}` | `write:${string}`;

const SCOPE = /^(read|admin|(read|write):[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?)$/;

export function parseScopes(text: string): Scope[] {
  const scopes = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0)
    throw new Error('at least one scope is needed: read, read:<ns>, write:<ns> or admin');
  for (const scope of scopes) {
    if (!SCOPE.test(scope)) {
      throw new Error(`"${scope}" is not a scope; use read, read:<ns>, write:<ns> or admin`);
    }
  }
  return [...new Set(scopes)] as Scope[];
}

/** Who is calling: anonymous, or a token with its scopes. */
export type Principal = { kind: 'anonymous' } | { kind: 'token'; tokenId: string; scopes: readonly Scope[] };

export const ANONYMOUS: Principal = { kind: 'anonymous' };

export function canWrite(principal: Principal, namespace: string): boolean {
  if (principal.kind === 'anonymous') return false;
  const ns = namespace.toLowerCase();
  return principal.scopes.some((s) => s === 'admin' || s.toLowerCase() === `write:${ns}`);
}

export function canWriteSomewhere(principal: Principal): boolean {
  return principal.kind === 'token' && principal.scopes.some((s) => s === 'admin' || s.startsWith('write:'));
}

export function canReadPrivate(principal: Principal, namespace: string): boolean {
  if (principal.kind === 'anonymous') return false;
  const ns = namespace.toLowerCase();
  return (
    canWrite(principal, namespace) ||
    principal.scopes.some((s) => s === 'read' || s.toLowerCase() === `read:${ns}`)
  );
}

/** Namespaces whose private models the principal may list, or all of them. */
export function privateVisibility(
  principal: Principal,
): { all: true } | { all: false; namespaces: string[] } {
  if (principal.kind === 'anonymous') return { all: false, namespaces: [] };
  if (principal.scopes.some((s) => s === 'admin' || s === 'read')) return { all: true };
  return { all: false, namespaces: principal.scopes.map((s) => s.slice(s.indexOf(':') + 1)) };
}

/** Admin tokens see every submission; other tokens their own. */
export function seesSubmissionsOf(principal: Principal): string | null | undefined {
  if (principal.kind === 'anonymous') return undefined;
  return principal.scopes.includes('admin') ? null : principal.tokenId;
}
