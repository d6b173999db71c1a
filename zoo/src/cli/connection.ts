import type { Command } from 'commander';
import type { ZooClient, ZooClientOptions } from '../client/index.ts';

export interface ConnectionOptions {
  endpoint?: string;
  token?: string;
  cacheDir?: string;
  offline?: boolean;
}

export function withConnection(command: Command): Command {
  return command
    .option(
      '--endpoint <url>',
      'zoo URL (default: MIM4D_ZOO_ENDPOINT, the saved login, http://127.0.0.1:8080)',
    )
    .option('--token <token>', 'bearer token (default: MIM4D_ZOO_TOKEN, then the saved login)')
    .option('--cache-dir <dir>', 'cache root (default: MIM4D_ZOO_CACHE or ~/.cache/mim4d/zoo)');
}

/** The zoo client, loaded when a command runs: --help and option errors need none of it. */
export const zoo = () => import('../client/index.ts');

export async function clientFrom(opts: ConnectionOptions): Promise<ZooClient> {
  const { ZooClient } = await zoo();
  const options: ZooClientOptions = {};
  if (opts.endpoint) options.endpoint = opts.endpoint;
  if (opts.token) options.token = opts.token;
  if (opts.cacheDir) options.cacheDir = opts.cacheDir;
  if (opts.offline) options.offline = true;
  return new ZooClient(options);
}

/** Runs a command body; a failure prints one clear line (no stack) and sets exit code 1. */
export async function reporting(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mim4d-zoo: ${message}\n`);
    if (error instanceof (await zoo()).ZooError && error.code === 'DownloadInterrupted') {
      process.stderr.write('mim4d-zoo: run the same command again to resume\n');
    }
    process.exitCode = 1;
  }
}
