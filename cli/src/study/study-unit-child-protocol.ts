/** The messages between a study and the child processes that run its units (study-children.ts). */
import type { StudyOptions } from './study-units.ts';

export type StudyChildOptions = Omit<StudyOptions, 'log' | 'onStep' | 'jobs'>;

export type ChildRequest =
  /** Sent once, first: the study whose units the child will run. */
  { kind: 'open'; options: StudyChildOptions } | { kind: 'run'; unitId: string };

export type ChildReport =
  | { kind: 'step'; step: number; total: number | null }
  /** The unit's result file is written. */
  | { kind: 'done'; seconds: number }
  | { kind: 'failed'; message: string };
