import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { generateSynthDataset } from '@mim4d/dataset';
import {
  compareMetrics,
  detectionValidationScorer,
  formatComparison,
  readFolderMetrics,
  runModelDetection,
} from '@mim4d/eval';
import { openFinetuneSplits, resolveBackbone } from '@mim4d/finetune';
import { exportDetector, finetuneDetection, loadDetectionConfig } from '@mim4d/head-detection';
import { ZooClient } from '@mim4d/zoo';
import { publishFolder } from '../publish-folder.ts';
import { baselineRows, startLocalZoo } from './local-zoo.ts';

/** The MIM4D backbone shipped with the project (models/README.md says how it was made). */
export const SHIPPED_BACKBONE = path.resolve(import.meta.dirname, '../../../models/mim4d-micro-synth');

const NAMESPACE = 'demo';
const BACKBONE_REPO = `${NAMESPACE}/mim4d-micro-synth`;
const BENCHMARK = 'nuscenes-detection@v1';

export interface DemoOptions {
  out: string;
  /** Fine-tuning steps of each arm (the same budget for both). */
  steps: number;
  codeCommit: string;
  /** Synthetic dataset options (default: `mim4d data synth`'s); tests make a smaller one. */
  synth?: Omit<Parameters<typeof generateSynthDataset>[0], 'out'>;
  log: (line: string) => void;
  /** Progress of a fine-tune: arm, step, total. */
  onStep?: (arm: string, step: number, total: number, loss: number | null) => void;
}

export interface DemoResult {
  comparison: string;
  baselines: string;
  folders: string[];
}

/**
 * The user's main path on the embedded defaults: synthetic data; a local zoo serving the shipped MIM4D backbone,
 * pulled over HTTP as any user would; a detection head fine-tuned from it and one from scratch on the same budget;
 * both exported and evaluated with `mim4d-eval detection --model`; the comparison beside the leaderboard baselines.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { out, log } = options;
  if (existsSync(out) && readdirSync(out).length > 0) {
    throw new Error(`${out} is not empty: the demo writes a fresh folder (choose another --out)`);
  }
  const data = path.join(out, 'data');
  log(`1/5 synthetic dataset -> ${data}`);
  await generateSynthDataset({ ...options.synth, out: data });

  log('2/5 local zoo: publishing the shipped MIM4D backbone');
  const zoo = await startLocalZoo(path.join(out, 'zoo'), NAMESPACE);
  try {
    const settings = { endpoint: zoo.url, token: zoo.token, cacheDir: path.join(out, 'zoo-cache') };
    const revision = await publishFolder(new ZooClient(settings), BACKBONE_REPO, SHIPPED_BACKBONE);
    log(`  ${BACKBONE_REPO}@${revision.slice(0, 12)} at ${zoo.url}`);

    const config = loadDetectionConfig('micro');
    const split = { dataroot: data, version: 'v1.0-mini', split: 'mini_val' };
    const splits = await openFinetuneSplits({
      dataroot: data,
      version: 'v1.0-mini',
      trainSplit: 'mini_train',
      valSplit: 'mini_val',
    });
    const val = new Set(splits.val);
    const score = await detectionValidationScorer(split, config.head.classRangeM, {
      nusc: splits.nusc,
      samples: splits.nusc.tables.sample.filter((s) => val.has(s.token)),
    });
    const arms = [
      { name: 'mim4d', ref: `${BACKBONE_REPO}@main` },
      { name: 'scratch', ref: 'none' },
    ];
    const folders: string[] = [];
    for (const [i, arm] of arms.entries()) {
      log(
        `${3 + i}/5 fine-tune detection (${config.name}, ${options.steps} steps) from ${arm.ref === 'none' ? 'scratch' : arm.ref}`,
      );
      const runDir = path.join(out, 'runs', arm.name);
      const result = await finetuneDetection({
        config,
        splits,
        backbone: await resolveBackbone(arm.ref, { zoo: settings }),
        steps: options.steps,
        outDir: runDir,
        score,
        log: (line) => log(`  ${line}`),
        onStep: (r) => options.onStep?.(arm.name, r.step, options.steps, r.total),
      });
      result.model.dispose();
      const exported = exportDetector(runDir, options.codeCommit);
      const evalDir = path.join(out, 'eval', arm.name);
      await runModelDetection(
        {
          model: exported.dir,
          dataset: split,
          outputDir: evalDir,
          batch: 4,
          threads: 2,
          json: true,
          plots: false,
          progress: false,
        },
        { stdout: () => {}, stderr: () => {} },
      );
      folders.push(evalDir);
    }
    log('5/5 mim4d-eval compare');
    const comparison = formatComparison(compareMetrics(await Promise.all(folders.map(readFolderMetrics))));
    const rows = await baselineRows(zoo.url, BENCHMARK);
    const baselines = rows
      .map(
        (r) =>
          `  ${r.name}: ${Object.entries(r.metrics)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')} (${r.source})`,
      )
      .join('\n');
    return { comparison, baselines, folders };
  } finally {
    await zoo.close();
  }
}
