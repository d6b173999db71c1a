/**
 * Runs study units several at a time, each in a child process of its own: every process has its own tfjs runtime
 * on one core, its own memory, and its own CPU clock, so a unit's reported CPU seconds stay its own. A fine-tune
 * starts once the pretraining it starts from has finished.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { typeScriptChildArgs } from 'nuscenes-eval-ts/typescript-worker';
import { BUDGETS } from './budgets.ts';
import type { StudyUnit } from './study-plan.ts';
import type { ChildReport, ChildRequest, StudyChildOptions } from './study-unit-child-protocol.ts';
import { type OnStep, type StudyOptions, unitSteps } from './study-units.ts';

const CHILD_ENTRY = new URL('./study-unit-child.ts', import.meta.url);

export interface UnitEvents {
  started(unit: StudyUnit): void;
  finished(unit: StudyUnit, seconds: number): void;
}

/** Runs `units` (all unfinished) on `jobs` child processes; rejects with the first unit that failed. */
export async function runUnitsInChildren(
  units: readonly StudyUnit[],
  jobs: number,
  options: StudyOptions,
  events: UnitEvents,
): Promise<void> {
  const unfinished = new Set(units.map((u) => u.id));
  const pending = [...units];
  // A pretraining this run depends on that finished earlier is not in `units`, so it counts as ready.
  const ready = (unit: StudyUnit) =>
    unit.kind === 'pretrain' || unit.pretrain === null || !unfinished.has(unit.pretrain.id);
  const children = Array.from(
    { length: Math.min(jobs, units.length) },
    () => new UnitChild(childOptions(options)),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const dispatch = () => {
        for (const child of children) {
          if (child.busy) continue;
          const k = pending.findIndex(ready);
          if (k < 0) return;
          const [unit] = pending.splice(k, 1);
          events.started(unit);
          child
            .run(unit, options.onStep?.(unit, unitSteps(BUDGETS[options.budget], unit)))
            .then((seconds) => {
              unfinished.delete(unit.id);
              events.finished(unit, seconds);
              if (unfinished.size === 0) resolve();
              else dispatch();
            }, reject);
        }
      };
      dispatch();
    });
  } finally {
    for (const child of children) child.close();
  }
}

/** What a child needs to plan the same study: the options without the parent's callbacks. */
function childOptions(options: StudyOptions): StudyChildOptions {
  const { log: _log, onStep: _onStep, jobs: _jobs, ...plain } = options;
  return plain;
}

/** One child process running one unit at a time. */
class UnitChild {
  private readonly process: ChildProcess;
  private current: {
    unit: StudyUnit;
    onStep: OnStep | undefined;
    resolve: (seconds: number) => void;
    reject: (error: Error) => void;
  } | null = null;
  private closing = false;

  constructor(options: StudyChildOptions) {
    // stdout stays the parent's (the report table goes there); the child's warnings reach stderr.
    this.process = spawn(process.execPath, typeScriptChildArgs(CHILD_ENTRY), {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.process.on('message', (message) => this.onReport(message as ChildReport));
    this.process.on('exit', (code, signal) => {
      if (this.closing) return;
      this.fail(`its process ended (${signal ?? `exit code ${code}`}) before the unit finished`);
    });
    this.process.on('error', (error) => this.fail(`its process failed: ${error.message}`));
    this.send({ kind: 'open', options });
  }

  get busy(): boolean {
    return this.current !== null;
  }

  run(unit: StudyUnit, onStep: OnStep | undefined): Promise<number> {
    return new Promise((resolve, reject) => {
      this.current = { unit, onStep, resolve, reject };
      this.send({ kind: 'run', unitId: unit.id });
    });
  }

  close(): void {
    this.closing = true;
    this.process.kill();
  }

  private send(request: ChildRequest): void {
    this.process.send(request);
  }

  private onReport(report: ChildReport): void {
    const current = this.current;
    if (current === null) return;
    if (report.kind === 'step') current.onStep?.({ step: report.step, total: report.total });
    else if (report.kind === 'done') {
      this.current = null;
      current.resolve(report.seconds);
    } else this.fail(report.message);
  }

  private fail(message: string): void {
    const current = this.current;
    if (current === null) return;
    this.current = null;
    current.reject(new Error(`${current.unit.id}: ${message} (rerun the study to resume it)`));
  }
}
