import { type ErrorItem, errorLine, type Problem } from '../wire/problem.ts';

/**
 * Codes a caller can branch on: the server's problem+json codes (RepoNotFound, RevisionNotFound, EntryNotFound,
 * Unauthorized, StaleParent, ...) pass through unchanged; the client adds its own for what only it can see.
 */
export type ClientErrorCode =
  /** The bytes received do not hash to the sha256 the manifest promised; nothing was moved into the cache. */
  | 'ChecksumMismatch'
  /** The connection ended before the whole body arrived; the partial file is kept and the next try resumes it. */
  | 'DownloadInterrupted'
  /** Offline (or asked not to use the network) and the cache lacks what is needed. */
  | 'NotCached'
  /** The server could not be reached. */
  | 'NetworkError'
  /** The server answered something this client cannot use (wrong range, wrong hash header, bad JSON). */
  | 'InvalidResponse'
  /** The client is offline and the operation needs the server. */
  | 'Offline';

export class ZooError extends Error {
  constructor(
    /** A server error code (from `X-Error-Code` / the problem body) or a {@link ClientErrorCode}. */
    readonly code: ClientErrorCode | (string & {}),
    message: string,
    /** HTTP status when the server answered. */
    readonly status?: number,
    /** The server's X-Request-Id, to quote when reporting a problem. */
    readonly requestId?: string,
    /** What the server found wrong, by field: its problem document's `errors[]`. */
    readonly errors: ErrorItem[] = [],
  ) {
    super(message);
    this.name = 'ZooError';
  }
}

const isErrorItem = (value: unknown): value is ErrorItem =>
  typeof (value as ErrorItem | null)?.path === 'string' && typeof (value as ErrorItem).message === 'string';

/** Builds the error for a non-2xx answer from its problem+json body (or, failing that, its status line). */
export async function errorFromResponse(response: Response, what: string): Promise<ZooError> {
  const requestId = response.headers.get('X-Request-Id') ?? undefined;
  let code = response.headers.get('X-Error-Code') ?? `Http${response.status}`;
  let detail = response.statusText || `HTTP ${response.status}`;
  let errors: ErrorItem[] = [];
  const text = await response.text().catch(() => '');
  try {
    // Whatever proxy answered may not send the zoo's problem documents: every member is checked before use.
    const problem = JSON.parse(text) as Partial<Record<keyof Problem, unknown>>;
    if (typeof problem.code === 'string') code = problem.code;
    if (typeof problem.detail === 'string') detail = problem.detail;
    if (Array.isArray(problem.errors)) errors = problem.errors.filter(isErrorItem);
    if (errors.length > 0) {
      const listed = errors.slice(0, 5).map((e) => `  ${errorLine(e)}`);
      detail = `${detail}\n${listed.join('\n')}`;
    }
  } catch {
    if (text && text.length < 300) detail = text;
  }
  const request = requestId ? ` (request ${requestId})` : '';
  return new ZooError(
    code,
    `${what}: ${response.status} ${code}: ${detail}${request}`,
    response.status,
    requestId,
    errors,
  );
}
