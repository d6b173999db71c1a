/**
 * What differs between the three benchmark tasks when the server scores them: the GT an operator installs, the
 * files kept of it, and how a submission is read and scored. Everything here runs in the scoring child process
 * except the GT checks, which the operator's command runs.
 */
import { join } from 'node:path';
import type { BenchmarkTask } from './benchmark.ts';
import {
  describeSegmentationGroundTruth,
  locateArraySet,
  scoreSegmentationArchive,
  segmentationGroundTruthFiles,
} from './bevseg-scoring.ts';
import { describeDetectionGroundTruth, scoreDetectionFile } from './detection-scoring.ts';
import { describeMapGroundTruth, scoreMapFile } from './hdmap-scoring.ts';
import { submitterError } from './submission-errors.ts';
import { TASK_FORMS, type TaskForms } from './task-forms.ts';

export interface ScoringJob {
  task: BenchmarkTask;
  /** The request body as received. */
  input: string;
  /** The installed GT (file, directory or stacked .npy). */
  groundTruth: string;
  /** A private directory the job may fill (unpacked archives); the caller removes it. */
  workDir: string;
  /** Cap on unpacked archive bytes. */
  maxUnpackedBytes: number;
}

export interface TaskScoring extends TaskForms {
  /** Checks the operator's GT and says what it holds; throws naming the file and rule. */
  describeGroundTruth(path: string): Promise<string>;
  /** The files to copy into the server's GT directory, under which names. */
  groundTruthFiles(path: string): { from: string; name: string }[];
  /** The path to score against inside an installed GT directory. */
  groundTruthEntry(dir: string): string;
  score(job: ScoringJob): Promise<Record<string, number>>;
}

const JSON_GT = 'gt.json';
const jsonGroundTruth = (path: string) => [{ from: path, name: JSON_GT }];

export const TASK_SCORING: Record<BenchmarkTask, TaskScoring> = {
  detection: {
    ...TASK_FORMS.detection,
    describeGroundTruth: describeDetectionGroundTruth,
    groundTruthFiles: jsonGroundTruth,
    groundTruthEntry: (dir) => join(dir, JSON_GT),
    score: (job) => scoreDetectionFile(job.input, job.groundTruth),
  },
  hdmap: {
    ...TASK_FORMS.hdmap,
    describeGroundTruth: describeMapGroundTruth,
    groundTruthFiles: jsonGroundTruth,
    groundTruthEntry: (dir) => join(dir, JSON_GT),
    score: (job) => scoreMapFile(job.input, job.groundTruth),
  },
  'bev-seg': {
    ...TASK_FORMS['bev-seg'],
    describeGroundTruth: async (path) => describeSegmentationGroundTruth(path),
    groundTruthFiles: segmentationGroundTruthFiles,
    groundTruthEntry: locateArraySet,
    score: (job) => scoreSegmentationArchive(job.input, job.groundTruth, job.workDir, job.maxUnpackedBytes),
  },
};

/** Scores the job; bad content becomes an InvalidSubmissionError in the submitter's terms. */
export async function scoreSubmission(job: ScoringJob): Promise<Record<string, number>> {
  try {
    return await TASK_SCORING[job.task].score(job);
  } catch (error) {
    const received = job.task === 'bev-seg' ? join(job.workDir, 'results') : job.input;
    throw submitterError(error, received, job.groundTruth);
  }
}
