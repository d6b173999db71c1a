/**
 * A child process of a study (study-children.ts): opens the study it is sent, then runs the units it is asked for
 * one at a time, reporting each step and the end.
 */
import { initBackend, parseBackendPreference } from '@mim4d/nn';
import { BUDGETS } from './budgets.ts';
import { planStudy } from './study-plan.ts';
import type { ChildReport, ChildRequest, StudyChildOptions } from './study-unit-child-protocol.ts';
import { StudyUnitRunner } from './study-units.ts';

const report = (message: ChildReport) => process.send?.(message);

let opened: Promise<{ options: StudyChildOptions; runner: StudyUnitRunner }> | null = null;

async function open(options: StudyChildOptions) {
  await initBackend({ prefer: parseBackendPreference(options.backend ?? 'auto', '--backend') });
  return { options, runner: new StudyUnitRunner({ ...options, log: () => {} }) };
}

async function run(unitId: string): Promise<void> {
  if (opened === null) throw new Error('asked to run a unit before the study was sent');
  const { options, runner } = await opened;
  const units = planStudy(
    options.out,
    BUDGETS[options.budget],
    options.runsPerArm ?? BUDGETS[options.budget].runsPerArm,
  );
  const unit = units.find((u) => u.id === unitId);
  if (unit === undefined) throw new Error(`the study has no unit ${unitId}`);
  const result = await runner.run(unit, (record) =>
    report({ kind: 'step', step: record.step, total: record.total }),
  );
  report({ kind: 'done', seconds: result.seconds });
}

process.on('message', (message: ChildRequest) => {
  if (message.kind === 'open') opened = open(message.options);
  else run(message.unitId).catch((error: Error) => report({ kind: 'failed', message: error.message }));
});
// The study that started this process is gone (ended, or killed): nothing is left to report to.
process.on('disconnect', () => process.exit(1));
