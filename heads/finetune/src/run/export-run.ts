import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type OnnxGraphBuilder, type ParamStore, writeSafetensors } from '@mim4d/nn';
import { loadCheckpoint } from '@mim4d/pretrain';
import { writeExportFolder } from './export-folder.ts';
import {
  type FinetuneRecord,
  type FinetuneTask,
  lastEvalRecord,
  readFinetuneRecord,
} from './finetune-run.ts';

/** The three files of a head's export; card.json is the name `mim4d-zoo push` reads the card from. */
export interface HeadExportFiles {
  onnx: string;
  weights: string;
  card: 'card.json';
}

/** What the card of an export is made from. */
export interface CardContext<M, E> {
  model: M;
  step: number;
  record: FinetuneRecord;
  /** The run's last validation record, if it was evaluated. */
  evaluation: E | null;
  opset: number;
  codeCommit: string;
  /** Trainable parameters. */
  params: number;
}

/** How one head exports: its task, file names, weights format, model, graph and card. */
export interface HeadExporter<
  C extends { name: string },
  M extends { params: ParamStore; dispose(): void },
  E,
> {
  task: FinetuneTask;
  files: HeadExportFiles;
  /** `format` in the safetensors metadata, next to the run's `config` (JSON) and `step`. */
  weightsFormat: string;
  build(config: C): M;
  graph(model: M): OnnxGraphBuilder;
  card(context: CardContext<M, E>): object;
}

export interface HeadExport {
  dir: string;
  onnx: string;
  weights: string;
  card: string;
  params: number;
}

/**
 * Exports a head's fine-tuning run to `<runDir>/export/`: the ONNX graph of the model in evaluation mode, every
 * parameter and BatchNorm statistic as safetensors under its checkpoint name, and the zoo card; written aside and
 * renamed into place, so a failure leaves no half-written export.
 */
export function exportFinetuneRun<
  C extends { name: string },
  M extends { params: ParamStore; dispose(): void },
  E,
>(runDir: string, codeCommit: string, exporter: HeadExporter<C, M, E>): HeadExport {
  if (!/^[0-9a-f]{7,64}$/.test(codeCommit)) {
    throw new Error(`code commit "${codeCommit}" is not a git commit id (7-64 lowercase hex digits)`);
  }
  const ckpt = loadCheckpoint<C>(runDir, 'mim4d-finetune-checkpoint/1');
  const record = readFinetuneRecord(runDir, [exporter.task]);
  const { files } = exporter;
  const step = ckpt.meta.step;
  const model = exporter.build(ckpt.meta.config);
  let params = 0;
  let dir: string;
  try {
    model.params.load(ckpt.params, runDir);
    dir = writeExportFolder(runDir, (tmp) => {
      const graph = exporter.graph(model);
      const metadata = { config: ckpt.meta.config.name, step: String(step) };
      writeFileSync(path.join(tmp, files.onnx), graph.toBytes({ metadata }));
      writeFileSync(
        path.join(tmp, files.weights),
        writeSafetensors(
          model.params
            .entries()
            .map(([n, v]) => ({ name: n, shape: [...v.shape], data: v.dataSync() as Float32Array })),
          { format: exporter.weightsFormat, config: JSON.stringify(ckpt.meta.config), step: String(step) },
        ),
      );
      params = [...model.params.trainable().values()].reduce((n, v) => n + v.size, 0);
      const evaluation = lastEvalRecord<E>(runDir);
      const card = exporter.card({ model, step, record, evaluation, opset: graph.opset, codeCommit, params });
      writeFileSync(path.join(tmp, files.card), `${JSON.stringify(card, null, 2)}\n`);
    });
  } finally {
    model.dispose();
  }
  const file = (name: string) => path.join(dir, name);
  return { dir, onnx: file(files.onnx), weights: file(files.weights), card: file(files.card), params };
}
