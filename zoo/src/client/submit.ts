/**
 * Leaderboard submissions: the results are sent as they are (a JSON file, or an archive), or, for a folder of .npy
 * files (BEV segmentation), packed first into a gzip tar of its top-level files, which is the form the server takes.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { create } from 'tar';
import type { Submission, SubmissionAccepted } from '../wire/submissions.ts';
import { ZooError } from './zoo-error.ts';
import { encodePath, type ZooHttp } from './zoo-http.ts';

export interface SubmitOptions {
  /** Row name on the leaderboard (default: the model, when given, else the file or folder name). */
  name?: string;
  /** `ns/name` of a model to attach the row to (needs write:<ns>). */
  model?: string;
  /** A retry with the same key returns the first submission instead of making another. */
  idempotencyKey?: string;
}

/** Packs the top-level files of `dir` as a gzip tar in a fresh temporary folder; returns the archive. */
async function packFolder(dir: string): Promise<{ archive: string; cleanup: () => Promise<void> }> {
  const names = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) if (entry.isFile()) names.push(entry.name);
  if (names.length === 0) throw new Error(`${dir}: no files to submit`);
  const work = await mkdtemp(join(tmpdir(), 'mim4d-submit-'));
  const archive = join(work, 'results.tar.gz');
  await create({ gzip: true, file: archive, cwd: dir, portable: true }, names.sort());
  return { archive, cleanup: () => rm(work, { recursive: true, force: true }) };
}

export async function submit(
  http: ZooHttp,
  benchmark: string,
  path: string,
  options: SubmitOptions,
): Promise<{ submissionId: string }> {
  const what = `submit ${path} to ${benchmark}`;
  const info = await stat(path).catch((error: Error) => {
    throw new Error(`${path}: cannot read the results (${error.message})`);
  });
  const packed = info.isDirectory() ? await packFolder(path) : undefined;
  try {
    const file = packed?.archive ?? path;
    const query = new URLSearchParams();
    const name = options.name ?? (options.model ? undefined : basename(path));
    if (name) query.set('name', name);
    if (options.model) query.set('model', options.model);
    const answer = await http.request(
      `api/v1/benchmarks/${encodePath(benchmark)}/submissions${query.size > 0 ? `?${query}` : ''}`,
      {
        what,
        method: 'POST',
        headers: {
          'Content-Type': packed ? 'application/gzip' : 'application/octet-stream',
          'Content-Length': String((await stat(file)).size),
          ...(options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {}),
        },
        body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
        duplex: 'half',
      } as RequestInit & { what: string; duplex: 'half' },
    );
    const body = (await answer.json()) as Partial<SubmissionAccepted>;
    if (typeof body.submissionId !== 'string') {
      throw new ZooError('InvalidResponse', `${what}: the answer has no submissionId`, answer.status);
    }
    return { submissionId: body.submissionId };
  } finally {
    await packed?.cleanup();
  }
}

export function getSubmission(http: ZooHttp, id: string): Promise<Submission> {
  return http.json<Submission>(`api/v1/submissions/${encodeURIComponent(id)}`, {
    what: `submission ${id}`,
  });
}

/** Polls until the submission is verified or failed; `onStatus` sees each state once. */
export async function waitForSubmission(
  http: ZooHttp,
  id: string,
  options: { intervalMs?: number; onStatus?: (submission: Submission) => void } = {},
): Promise<Submission> {
  let last = '';
  for (;;) {
    const submission = await getSubmission(http, id);
    if (submission.status !== last) options.onStatus?.(submission);
    last = submission.status;
    if (submission.status === 'verified' || submission.status === 'failed') return submission;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 2000));
  }
}
