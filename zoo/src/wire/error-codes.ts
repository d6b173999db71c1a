/**
 * Stable machine-readable error codes of the zoo's problem documents. Clients branch on these (and on
 * `X-Error-Code`), never on `detail` text. The first three match the Hugging Face Hub's codes so its client raises
 * the matching exception.
 */
export const ERROR_CODES = [
  'RevisionNotFound',
  'EntryNotFound',
  'RepoNotFound',
  'BlobNotFound',
  'RouteNotFound',
  'BadRequest',
  'MalformedJson',
  'InvalidName',
  'InvalidRange',
  'PreconditionFailed',
  'Unauthorized',
  'Forbidden',
  'PayloadTooLarge',
  'LengthRequired',
  'UploadNotDeclared',
  'SizeMismatch',
  'DigestMismatch',
  'InvalidCommit',
  'InvalidCard',
  'InvalidOnnx',
  'OnnxMismatch',
  'MissingBlob',
  'StaleParent',
  'RateLimited',
  'BlobCorrupt',
  'BenchmarkNotFound',
  'SubmissionNotFound',
  'InvalidSubmission',
  'ScoringUnavailable',
  'QuotaExceeded',
  'OffsetMismatch',
  'TokenNotFound',
  'RequestTimeout',
  'HeadersTooLarge',
  'Internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
