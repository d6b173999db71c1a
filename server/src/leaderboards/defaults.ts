/**
 * The leaderboard service's defaults, apart from the service so a command's options (and its --help) can show them
 * without loading the scoring code.
 */
import type { SubmissionQuota } from './leaderboard-store.ts';

export const DEFAULT_SUBMISSION_QUOTA: SubmissionQuota = { max: 5, windowMs: 24 * 3600 * 1000 };

/** Memory cap of a scoring process, MiB (its heap and resident size). */
export const DEFAULT_SCORING_MAX_MEMORY_MB = 2048;

/** A scoring job whose worker has written no heartbeat for this long goes to another worker. */
export const DEFAULT_STALE_AFTER_S = 30;
