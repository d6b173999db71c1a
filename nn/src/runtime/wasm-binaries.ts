import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The three builds tfjs-backend-wasm ships; the backend picks one by feature detection. */
export const WASM_BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/**
 * Folder (with a trailing separator) holding the installed tfjs-backend-wasm binaries. The backend would otherwise
 * guess a location relative to its bundle or fetch over the network; we always read the local files.
 */
export function wasmBinaryDir(): string {
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  const dir = path.join(path.dirname(main), path.sep);
  const missing = WASM_BINARIES.filter((name) => !existsSync(path.join(dir, name)));
  if (missing.length > 0) {
    throw new Error(
      `tfjs-backend-wasm is installed at ${dir} but lacks ${missing.join(', ')}; reinstall it (npm ci)`,
    );
  }
  return dir;
}
