import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTypeScriptWorker } from '../../src/workers/typescript-worker.ts';

const COMPILED_WORKERS = Symbol.for('mim4d.compiled-workers');
const registry = globalThis as { [COMPILED_WORKERS]?: ReadonlyMap<string, string> };

describe('TypeScript workers', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ts-worker-'));
  });
  afterEach(() => {
    delete registry[COMPILED_WORKERS];
    rmSync(dir, { recursive: true, force: true });
  });

  it('compile and run a TypeScript entry', async () => {
    const entry = join(dir, 'echo.ts');
    writeFileSync(
      entry,
      "import { parentPort, workerData } from 'node:worker_threads';\nconst reply: string = `ts ${workerData}`;\nparentPort!.postMessage(reply);\n",
    );
    const [message] = await once(
      startTypeScriptWorker(pathToFileURL(entry), { workerData: 'hello' }),
      'message',
    );
    assert.equal(message, 'ts hello');
  });

  it('start the compiled bundle registered for an entry instead of compiling the entry', async () => {
    const bundle = join(dir, 'echo-bundle.mjs');
    writeFileSync(
      bundle,
      "import { parentPort, workerData } from 'node:worker_threads';\nparentPort.postMessage(`bundle ${workerData}`);\n",
    );
    // The source does not even exist: only the bundle can answer.
    const source = join(dir, 'missing.ts');
    registry[COMPILED_WORKERS] = new Map([[source, bundle]]);
    const [message] = await once(
      startTypeScriptWorker(pathToFileURL(source), { workerData: 'hello' }),
      'message',
    );
    assert.equal(message, 'bundle hello');
  });
});
