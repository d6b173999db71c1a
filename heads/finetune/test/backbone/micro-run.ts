import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '@mim4d/nn';
import { exportRun, loadConfig, type Mim4dConfig, pretrain } from '@mim4d/pretrain';
import { toyScene } from '@mim4d/pretrain/testing';

export interface MicroRun {
  root: string;
  /** A pretraining run folder (checkpoint/ inside). */
  runDir: string;
  /** Its export: backbone.onnx, backbone.safetensors, card.json. */
  exportDir: string;
  config: Mim4dConfig;
  remove(): void;
}

/** Two steps of micro pretraining on the toy scene, exported: a real run and export in about two seconds. */
export async function microRun(): Promise<MicroRun> {
  await initBackend();
  const root = mkdtempSync(path.join(tmpdir(), 'mim4d-finetune-backbone-'));
  const runDir = path.join(root, 'run');
  const config = loadConfig('micro');
  const sample = toyScene(config);
  const result = await pretrain({ config, steps: 2, outDir: runDir, train: { count: 1, get: () => sample } });
  result.model.dispose();
  exportRun(runDir, 'abc1234');
  return {
    root,
    runDir,
    exportDir: path.join(runDir, 'export'),
    config,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
