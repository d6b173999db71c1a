import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../cache/atomic-file.ts';

/** What `mim4d-zoo login` saves. */
export interface ZooConfigFile {
  endpoint?: string;
  token?: string;
}

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';

type Env = Record<string, string | undefined>;

/** `$MIM4D_ZOO_CONFIG`, else `$XDG_CONFIG_HOME/mim4d/zoo.json`, else `~/.config/mim4d/zoo.json`. */
export function defaultConfigPath(env: Env = process.env): string {
  return env.MIM4D_ZOO_CONFIG || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'mim4d', 'zoo.json');
}

/** `$MIM4D_ZOO_CACHE`, else `$XDG_CACHE_HOME/mim4d/zoo`, else `~/.cache/mim4d/zoo`. */
export function defaultCacheDir(env: Env = process.env): string {
  return env.MIM4D_ZOO_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mim4d', 'zoo');
}

/** The saved login, or `{}` when there is none; a malformed file is an error naming it. */
export function readConfig(path: string): ZooConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message}); run mim4d-zoo login again`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${path}: not a JSON object`);
  const config = value as Record<string, unknown>;
  for (const field of ['endpoint', 'token'] as const) {
    if (config[field] !== undefined && typeof config[field] !== 'string') {
      throw new Error(`${path}: field "${field}" must be a string`);
    }
  }
  return { endpoint: config.endpoint as string | undefined, token: config.token as string | undefined };
}

/** Saves the login readable by its owner only (0600, in a 0700 folder): the token is a secret. */
export async function writeConfig(path: string, config: ZooConfigFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`, 0o600);
}

/** Checks an endpoint URL, naming where it came from. */
export function checkEndpoint(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${source}: "${value}" is not a URL; use e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${source}: "${value}" must be an http:// or https:// URL`);
  }
  if (url.username || url.password) throw new Error(`${source}: put the token in --token, not in the URL`);
  return value;
}

export interface ClientSettings {
  endpoint: string;
  token?: string;
  cacheDir: string;
  offline: boolean;
}

/**
 * Settings from, in order of precedence: explicit options, the environment (`MIM4D_ZOO_ENDPOINT`,
 * `MIM4D_ZOO_TOKEN`, `MIM4D_ZOO_CACHE`, `MIM4D_ZOO_OFFLINE=1`), the saved login, the defaults.
 */
export function resolveSettings(
  options: { endpoint?: string; token?: string; cacheDir?: string; offline?: boolean; configPath?: string },
  env: Env = process.env,
): ClientSettings {
  const configPath = options.configPath ?? defaultConfigPath(env);
  const saved = readConfig(configPath);
  const [endpoint, source] = options.endpoint
    ? [options.endpoint, 'endpoint option']
    : env.MIM4D_ZOO_ENDPOINT
      ? [env.MIM4D_ZOO_ENDPOINT, 'MIM4D_ZOO_ENDPOINT']
      : saved.endpoint
        ? [saved.endpoint, `${configPath}: endpoint`]
        : [DEFAULT_ENDPOINT, 'default endpoint'];
  const token = options.token ?? (env.MIM4D_ZOO_TOKEN || saved.token);
  return {
    endpoint: checkEndpoint(endpoint, source),
    ...(token ? { token } : {}),
    cacheDir: options.cacheDir ?? defaultCacheDir(env),
    offline: options.offline ?? ['1', 'true', 'yes'].includes((env.MIM4D_ZOO_OFFLINE ?? '').toLowerCase()),
  };
}
