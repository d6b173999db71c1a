import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy saw of one exchange. */
export interface Exchange {
  method: string;
  path: string;
  requestHeaders: Record<string, string | string[] | undefined>;
  status: number;
  /** Body bytes that reached the client. */
  bodyBytes: number;
  cut: boolean;
}

export interface ProxyRules {
  /** Drop the connection after this many body bytes of the next matching response. */
  cutAfterBytes?: number;
  /** Change request headers on their way to the server (e.g. a mirror that rewrites If-Range). */
  rewriteRequest?: (headers: Record<string, string | string[] | undefined>) => void;
  /** Change body bytes on their way to the client (flip a bit: a bad disk or a broken cache upstream). */
  rewriteBody?: (chunk: Buffer, offset: number) => Buffer;
  /** Which requests the rules apply to; default: downloads (`/resolve/`). */
  matches?: (path: string) => boolean;
}

/**
 * A pass-through HTTP proxy in front of the zoo that records every exchange and can cut or alter responses, to test
 * what the client does when the network misbehaves.
 */
export class CuttingProxy {
  readonly exchanges: Exchange[] = [];
  rules: ProxyRules = {};
  private server: Server | null = null;

  constructor(private readonly target: string) {}

  get downloads(): Exchange[] {
    return this.exchanges.filter((e) => e.path.includes('/resolve/'));
  }

  /** `host`: a loopback address other than the server's makes the proxy another host to the clients. */
  async start(host = '127.0.0.1'): Promise<string> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const rules = this.rules;
      const applies = (rules.matches ?? ((p: string) => p.includes('/resolve/')))(req.url ?? '');
      const headers = { ...req.headers, host: target.host };
      if (applies) rules.rewriteRequest?.(headers);
      const exchange: Exchange = {
        method: req.method ?? '',
        path: req.url ?? '',
        requestHeaders: headers,
        status: 0,
        bodyBytes: 0,
        cut: false,
      };
      this.exchanges.push(exchange);
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (answer) => {
          exchange.status = answer.statusCode ?? 0;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.on('data', (chunk: Buffer) => {
            if (exchange.cut) return;
            let out = applies && rules.rewriteBody ? rules.rewriteBody(chunk, exchange.bodyBytes) : chunk;
            const limit = applies ? rules.cutAfterBytes : undefined;
            if (limit !== undefined && exchange.bodyBytes + out.length >= limit) {
              out = out.subarray(0, limit - exchange.bodyBytes);
              exchange.bodyBytes += out.length;
              exchange.cut = true;
              res.write(out, () => res.socket?.destroy());
              answer.destroy();
              return;
            }
            exchange.bodyBytes += out.length;
            res.write(out);
          });
          answer.on('end', () => res.end());
        },
      );
      upstream.on('error', () => res.socket?.destroy());
      req.pipe(upstream);
    });
    this.server.listen(0, host);
    await new Promise((resolve) => this.server?.once('listening', resolve));
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}
