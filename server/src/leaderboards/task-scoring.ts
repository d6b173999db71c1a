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

export interface TaskScoring {
  /** What `mim4d-zoo benchmark gt` takes for this task, in words. */
  groundTruthForm: string;
  /** What a submission's body is, in words (README and OpenAPI say the same). */
  submissionForm: string;
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
    groundTruthForm: 'EvalBoxes JSON (sample_token -> boxes with ego_translation and num_pts)',
    submissionForm: 'a nuScenes detection submission, {"meta": ..., "results": {sample_token: [box, ...]}}',
    describeGroundTruth: describeDetectionGroundTruth,
    groundTruthFiles: jsonGroundTruth,
    groundTruthEntry: (dir) => join(dir, JSON_GT),
    score: (job) => scoreDetectionFile(job.input, job.groundTruth),
  },
  hdmap: {
    groundTruthForm: 'MapTR GT JSON ({"GTs": [{sample_token, vectors: [{pts, type}]}]})',
    submissionForm:
      'MapTR results, {"meta": ..., "results": [{sample_token, vectors: [{pts, type, confidence_level}]}]}',
    describeGroundTruth: describeMapGroundTruth,
    groundTruthFiles: jsonGroundTruth,
    groundTruthEntry: (dir) => join(dir, JSON_GT),
    score: (job) => scoreMapFile(job.input, job.groundTruth),
  },
  'bev-seg': {
    groundTruthForm:
      'uint8 masks [6, H, W]: a directory with tokens.json and <token>.npy files, or NAME.npy [N, 6, H, W] beside NAME.tokens.json',
    submissionForm:
      'a tar archive (plain or gzip) of float32 probabilities: tokens.json and one <token>.npy [6, H, W] per sample, or NAME.npy [N, 6, H, W] with NAME.tokens.json, at the top level',
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
