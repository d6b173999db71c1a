import { parentPort, workerData } from 'node:worker_threads';
import type { SynthOptions } from './options.ts';
import { DatasetFiles } from './output-folder.ts';
import { generateScene, SceneContext, type SceneSpec } from './scene-generator.ts';

/** Messages a scene worker sends back to the generator. */
export type SceneWorkerMessage =
  | { type: 'capture' }
  | {
      type: 'done';
      sceneIndex: number;
      tables: Awaited<ReturnType<typeof generateScene>>;
      files: number;
      bytes: number;
    }
  | { type: 'error'; sceneIndex: number; message: string };

// Entry of a worker thread: generates the scenes it is sent, one at a time, reusing its renderer and worlds.
if (parentPort) {
  const port = parentPort;
  const { options } = workerData as { options: SynthOptions };
  const files = new DatasetFiles(options.out);
  const context = new SceneContext(options, files);
  port.on('message', async (spec: SceneSpec) => {
    const before = { files: files.files, bytes: files.bytes };
    try {
      const tables = await generateScene(spec, context, () => port.postMessage({ type: 'capture' }));
      port.postMessage({
        type: 'done',
        sceneIndex: spec.sceneIndex,
        tables,
        files: files.files - before.files,
        bytes: files.bytes - before.bytes,
      } satisfies SceneWorkerMessage);
    } catch (error) {
      port.postMessage({
        type: 'error',
        sceneIndex: spec.sceneIndex,
        message: (error as Error).stack ?? String(error),
      } satisfies SceneWorkerMessage);
    }
  });
}
