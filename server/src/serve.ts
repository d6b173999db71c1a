import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type ZooAppOptions } from './app.ts';
import type { IntegrityReport } from './blob-integrity.ts';

export interface RunningServer {
  server: Server;
  url: string;
  startupCheck: IntegrityReport;
  close(): Promise<void>;
}

/**
 * Checks the store (partial uploads removed, changed blobs re-hashed), then listens. Request bodies may take as long
 * as they need (multi-GB uploads), but headers must arrive within a minute.
 */
export async function startServer(
  options: ZooAppOptions & {
    host: string;
    port: number;
    /** Re-hash every blob this often (bit rot that no download meets); left out, only `fsck` does. */
    scrubIntervalMs?: number;
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
