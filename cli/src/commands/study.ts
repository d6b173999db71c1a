import { type Command, InvalidArgumentError } from 'commander';
import type { StudyBudget } from '../study/budgets.ts';
import { headCommit, positive } from './shared.ts';

interface StudyCliOptions {
  data?: string;
  testData?: string;
  out?: string;
  version: string;
  budget: StudyBudget;
  seeds?: number;
  trainSplit: string;
  valSplit: string;
  splitFile?: string;
  checkpointEvery: number;
  backend: string;
  jobs: number;
  publish?: string;
  endpoint?: string;
  token?: string;
  codeCommit?: string;
}

const BUDGETS = ['smoke', 'quick', 'full'];

/** Adds `mim4d study` (does MIM4D pretraining help the three heads?) to the program. */
export function registerStudyCommand(program: Command): void {
  program
    .command('study')
    .description(
      'the controlled study of heads.md section 6: pretrains the spatial-only and MIM4D arms on --train-split of ' +
        '--data, fine-tunes the detection, BEV-segmentation and HD-map heads from them and from random ' +
        'initialisation (backbone lr x0.1 and x1) with paired seeds, tests every final model on --test-data (other ' +
        'towns), and writes report.md, report.json and figures/ to --out. Resumable: rerun the same command and ' +
        'finished runs are kept',
    )
    .requiredOption(
      '--data <dir>',
      'training dataroot (e.g. `mim4d data synth --scenes 10 --samples 60 --seed 0`)',
    )
    .requiredOption('--test-data <dir>', 'test dataroot with other towns (e.g. the same with --seed 1)')
    .requiredOption('--out <dir>', 'study folder')
    .option('--version <name>', 'table folder under both dataroots', 'v1.0-mini')
    .option(
      '--budget <name>',
      'smoke (a few steps, ~2 min), quick (~30 min) or full (~2.5 h on 2 cores, ~1.2 h with --jobs 2)',
      (value: string) => {
        if (!BUDGETS.includes(value)) throw new InvalidArgumentError(`--budget takes ${BUDGETS.join(', ')}.`);
        return value;
      },
      'quick',
    )
    .option('--seeds <n>', "paired runs per arm and task (default: the budget's)", positive('--seeds'))
    .option('--train-split <name>', 'split pretrained and fine-tuned on', 'mini_train')
    .option('--val-split <name>', 'split of the learning curves', 'mini_val')
    .option('--split-file <file>', 'JSON {split: [scene names]} for custom splits')
    .option('--checkpoint-every <n>', 'steps between checkpoints', positive('--checkpoint-every'), 50)
    .option('--backend <name>', 'auto, node, wasm or cpu', 'auto')
    .option(
      '--jobs <n>',
      'units run at once, each in a process of its own on one core (2 on a 2-core machine; each needs the ' +
        'memory of a training run); the results do not depend on it',
      positive('--jobs'),
      1,
    )
    .option(
      '--publish <namespace>',
      'once the study is done: export each fine-tuned model, run it with onnxruntime over the test split, push it ' +
        "to the zoo as <namespace>/study-<budget>-<unit> and submit its predictions to its task's benchmark (the " +
        "zoo must hold the test split's ground truth: the command says how to install it); resumable",
    )
    .option('--endpoint <url>', 'zoo for --publish (default: MIM4D_ZOO_ENDPOINT or the saved login)')
    .option(
      '--token <token>',
      'zoo token for --publish, with write:<namespace> (default: MIM4D_ZOO_TOKEN or the saved login)',
    )
    .option(
      '--code-commit <sha>',
      'with --publish: commit recorded in the cards (default: this checkout HEAD)',
    )
    .action(async (opts: StudyCliOptions, command: Command) => {
      try {
        const nn = await import('@mim4d/nn');
        await nn.initBackend({ prefer: nn.parseBackendPreference(opts.backend, '--backend') });
        // Loaded on use: the heads and the runtime are heavy and other subcommands do not need them.
        const { runStudy } = await import('../study/run-study.ts');
        const { writeReport, headlineTable } = await import('../study/study-report.ts');
        const { BUDGETS: plans } = await import('../study/budgets.ts');
        const out = opts.out as string;
        const log = (line: string) => process.stderr.write(`study ${line}\n`);
        const results = await runStudy({
          data: opts.data as string,
          testData: opts.testData as string,
          version: opts.version,
          trainSplit: opts.trainSplit,
          valSplit: opts.valSplit,
          ...(opts.splitFile === undefined ? {} : { splitFile: opts.splitFile }),
          out,
          budget: opts.budget,
          ...(opts.seeds === undefined ? {} : { runsPerArm: opts.seeds }),
          checkpointEvery: opts.checkpointEvery,
          jobs: opts.jobs,
          backend: opts.backend,
          log,
          onStep: (unit, steps) => progressLines(unit.id, steps, log),
        });
        const report = await writeReport(results, out, plans[opts.budget].finetuneSteps);
        process.stdout.write(`wrote ${out}/report.md, report.json, figures/\n\n${headlineTable(report)}\n`);
        if (opts.publish !== undefined) {
          const { publishStudy } = await import('../study/study-publish.ts');
          const { planStudy } = await import('../study/study-plan.ts');
          const { errorLine, ZooClient } = await import('@mim4d/zoo');
          const units = planStudy(out, plans[opts.budget], results.settings.runsPerArm).filter(
            (u) => u.kind === 'finetune',
          );
          const published = await publishStudy({
            out,
            testData: opts.testData as string,
            version: opts.version,
            budget: opts.budget,
            units,
            namespace: opts.publish,
            client: new ZooClient({
              ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
              ...(opts.token === undefined ? {} : { token: opts.token }),
            }),
            codeCommit: opts.codeCommit ?? headCommit(),
            log: (line) => log(`publish ${line}`),
          });
          const verified = published.filter((p) => p.status === 'verified').length;
          process.stdout.write(
            `published ${published.length} models to ${opts.publish}: ${verified} rows verified\n`,
          );
          if (verified < published.length) {
            throw new Error(
              `some submissions failed (see ${out}/publish.json): ${published
                .filter((p) => p.status !== 'verified')
                .map((p) => `${p.unit}: ${(p.errors ?? []).map(errorLine).join('; ')}`)
                .join(' | ')}`,
            );
          }
        }
      } catch (error) {
        command.error(`mim4d study: ${(error as Error).message}`, { exitCode: 1 });
      }
    });
}

/**
 * A progress line at every tenth of a unit's steps, with its loss and speed since its first step here (a resumed
 * unit starts part-way). Lines, not a bar: units running side by side would overwrite each other's bar.
 */
function progressLines(
  id: string,
  steps: number,
  log: (line: string) => void,
): (record: { step: number; total: number | null }) => void {
  const every = Math.max(1, Math.ceil(steps / 10));
  const t0 = performance.now();
  let first: number | null = null;
  return (record) => {
    first ??= record.step - 1;
    if (record.step % every !== 0 && record.step !== steps) return;
    const rate = (record.step - first) / ((performance.now() - t0) / 1000);
    const loss = record.total?.toFixed(4) ?? 'not finite';
    log(`${id}: step ${record.step}/${steps}, loss ${loss}, ${rate.toFixed(2)} steps/s`);
  };
}
