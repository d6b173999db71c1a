import { errorFromResponse, ZooError } from './zoo-error.ts';

export interface HttpSettings {
  /** Base URL of the zoo; every request is relative to it, so a mirror under a path prefix works. */
  endpoint: string;
  token?: string;
  fetch: typeof fetch;
}

export type ZooRequestInit = RequestInit & {
  /** What the request is for, at the start of any error message ("download org/m@rev model.onnx"). */
  what: string;
  /** Statuses to hand back instead of throwing (e.g. 404 for "model does not exist yet"). */
  accept?: number[];
};

/** Joins paths to the endpoint, adds the bearer token and turns failures into {@link ZooError}s. */
export class ZooHttp {
  private readonly base: URL;

  constructor(private readonly settings: HttpSettings) {
    this.base = new URL(settings.endpoint.endsWith('/') ? settings.endpoint : `${settings.endpoint}/`);
  }

  url(path: string): URL {
    return new URL(path.replace(/^\/+/, ''), this.base);
  }

  async request(path: string, init: ZooRequestInit): Promise<Response> {
    const { what, accept, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (this.settings.token) headers.set('Authorization', `Bearer ${this.settings.token}`);
    const url = this.url(path);
    let response: Response;
    try {
      response = await this.settings.fetch(url, { ...rest, headers });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new ZooError('NetworkError', `${what}: cannot reach ${url.origin} (${cause})`);
    }
    if (response.ok || accept?.includes(response.status)) return response;
    throw await errorFromResponse(response, what);
  }

  async json<T>(path: string, init: ZooRequestInit): Promise<T> {
    const response = await this.request(path, init);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ZooError(
        'InvalidResponse',
        `${init.what}: ${this.url(path)} answered ${response.status} with a body that is not JSON: ${text.slice(0, 120)}`,
        response.status,
      );
    }
  }
}

/** `a/b c/d` -> `a/b%20c/d`: each segment of a path encoded on its own. */
export function encodePath(...segments: string[]): string {
  return segments
    .flatMap((s) => s.split('/'))
    .map(encodeURIComponent)
    .join('/');
}
