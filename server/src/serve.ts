import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createApp, type ZooAppOptions } from './app.ts';
import type { IntegrityReport } from './blob-integrity.ts';
import { ProblemError, rawProblemResponse } from './errors.ts';

export interface RunningServer {
  server: Server;
  url: string;
  startupCheck: IntegrityReport;
  close(): Promise<void>;
}

/** Requests Node refuses before the app sees them still get a problem document, as every other refusal does. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new ProblemError(
          431,
          'HeadersTooLarge',
          'the request line and headers exceed the 16 KiB this server reads',
        )
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ProblemError(408, 'RequestTimeout', 'the request headers did not arrive in time')
        : new ProblemError(400, 'BadRequest', `malformed HTTP request (${error.code ?? error.message})`);
  socket.end(rawProblemResponse(problem));
}

/** Closes a new connection at once when its address already holds `cap` (0: no cap). */
function capConnectionsPerAddress(server: Server, cap: number): void {
  if (cap <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const held = open.get(address) ?? 0;
    if (held >= cap) {
      socket.destroy();
      return;
    }
    open.set(address, held + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/**
 * Checks the store (partial uploads removed, changed blobs re-hashed), then listens. Upload bodies may take as long
 * as they need (multi-GB uploads), other bodies have the body time limit, headers must arrive within a minute, and
 * one address may hold a bounded number of connections.
 */
export async function startServer(
  options: ZooAppOptions & {
    host: string;
    port: number;
    /** Re-hash every blob this often (bit rot that no download meets); left out, only `fsck` does. */
    scrubIntervalMs?: number;
    /**
     * Open connections one client address may hold; more are closed at once. Default 256, or none behind a reverse
     * proxy (`trustProxy`), where every connection comes from the proxy, which must then do this itself.
     */
    maxConnectionsPerAddress?: number;
  },
): Promise<RunningServer> {
  const { app, context } = createApp(options);
  const startupCheck = await context.integrity.check({ full: false });
  const stopScrub = options.scrubIntervalMs
    ? context.integrity.scrubEvery(options.scrubIntervalMs)
    : () => {};
  const server = app.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  capConnectionsPerAddress(
    server,
    options.maxConnectionsPerAddress ?? (options.trustProxy === undefined ? 256 : 0),
  );
  server.on('clientError', answerClientError);
  // Bodies of uploads may take hours; other bodies have the app's body time limit (request-bodies.ts).
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    startupCheck,
    close: () =>
      new Promise<void>((resolve) => {
        stopScrub();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
