import type { BenchmarkTask } from './benchmark.ts';

export interface TaskForms {
  /** What `mim4d-zoo benchmark gt` takes for this task, in words. */
  groundTruthForm: string;
  /** What a submission's body is, in words (README and OpenAPI say the same). */
  submissionForm: string;
}

/** What each task's ground truth and submissions are, in words, for help texts and the API document. */
export const TASK_FORMS: Record<BenchmarkTask, TaskForms> = {
  detection: {
    groundTruthForm: 'EvalBoxes JSON (sample_token -> boxes with ego_translation and num_pts)',
    submissionForm: 'a nuScenes detection submission, {"meta": ..., "results": {sample_token: [box, ...]}}',
  },
  hdmap: {
    groundTruthForm: 'MapTR GT JSON ({"GTs": [{sample_token, vectors: [{pts, type}]}]})',
    submissionForm:
      'MapTR results, {"meta": ..., "results": [{sample_token, vectors: [{pts, type, confidence_level}]}]}',
  },
  'bev-seg': {
    groundTruthForm:
      'uint8 masks [6, H, W]: a directory with tokens.json and <token>.npy files, or NAME.npy [N, 6, H, W] beside NAME.tokens.json',
    submissionForm:
      'a tar archive (plain or gzip) of float32 probabilities: tokens.json and one <token>.npy [6, H, W] per sample, or NAME.npy [N, 6, H, W] with NAME.tokens.json, at the top level',
  },
};
