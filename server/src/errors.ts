import type { ErrorCode, ErrorItem, Problem } from '@mim4d/zoo';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  416: 'Range Not Satisfiable',
  431: 'Request Header Fields Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** An error that becomes an RFC 9457 problem document; `extra` members are added to the body (e.g. `errors`). */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { errors?: ErrorItem[]; retryAt?: string; [member: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

function problemDocument(problem: ProblemError): Problem {
  return {
    type: `urn:mim4d-zoo:error:${problem.code}`,
    title: TITLES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
  };
}

/** Writes a problem+json response with `X-Error-Code` (and, as the HF client reads it, `X-Error-Message`). */
export function sendProblem(res: Response, problem: ProblemError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(problem.status);
  // A body left unread cannot be skipped over safely (it may never end): the connection goes with the answer.
  if (!res.req.complete) res.setHeader('Connection', 'close');
  res.removeHeader('ETag');
  res.removeHeader('Content-Disposition');
  res.removeHeader('Cache-Control');
  res.setHeader('X-Error-Code', problem.code);
  res.setHeader('X-Error-Message', problem.detail.replace(/[^\x20-\x7e]/g, '?').slice(0, 300));
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  const requestId = res.getHeader('X-Request-Id');
  const body: Problem = {
    ...problemDocument(problem),
    ...(requestId === undefined ? {} : { requestId: String(requestId) }),
    ...problem.extra,
  };
  res.end(JSON.stringify(body));
}

/**
 * A whole HTTP/1.1 problem response as bytes, for requests Node refuses before Express sees them (oversized headers,
 * unparsable requests); the connection closes after it.
 */
export function rawProblemResponse(problem: ProblemError): string {
  const body = JSON.stringify(problemDocument(problem));
  return [
    `HTTP/1.1 ${problem.status} ${TITLES[problem.status] ?? 'Error'}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Error-Code: ${problem.code}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** The last route: anything no router claimed. */
export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new ProblemError(404, 'RouteNotFound', `no route for ${req.method} ${req.path}`));
};

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

function fromHttpError(error: HttpishError): ProblemError | null {
  // The router decodes path parameters with decodeURIComponent; its message quotes the parameter.
  if (error instanceof URIError) {
    return new ProblemError(400, 'BadRequest', `the URL has malformed percent-encoding: ${error.message}`);
  }
  const status = error.status ?? error.statusCode;
  if (!status || status < 400 || status >= 500) return null;
  if (error.type === 'entity.too.large') {
    return new ProblemError(413, 'PayloadTooLarge', 'request body exceeds the limit for this route');
  }
  if (error.type === 'entity.parse.failed') {
    return new ProblemError(400, 'MalformedJson', `request body is not valid JSON: ${error.message ?? ''}`);
  }
  if (status === 416) return new ProblemError(416, 'InvalidRange', 'the requested range is not satisfiable');
  if (status === 412)
    return new ProblemError(412, 'PreconditionFailed', 'a precondition header did not match');
  return new ProblemError(
    status,
    'BadRequest',
    error.expose ? (error.message ?? 'bad request') : 'bad request',
  );
}

/** Turns anything thrown into problem+json; unexpected errors are logged with the request id and never leaked. */
export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const problem =
      error instanceof ProblemError
        ? error
        : (fromHttpError(error as HttpishError) ??
          new ProblemError(500, 'Internal', 'internal error; quote the request id when reporting it'));
    if (problem.status >= 500) {
      log(
        `${res.getHeader('X-Request-Id')} ${req.method} ${req.originalUrl}: ${(error as Error)?.stack ?? error}`,
      );
    }
    sendProblem(res, problem);
  };
}
