import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { LocalFile, RevisionId, TransferProgress } from '../client/index.ts';
import { errorLine } from '../wire/problem.ts';
import { addBenchmarkCommands } from './benchmark-commands.ts';
import { type ConnectionOptions, clientFrom, reporting, withConnection, zoo } from './connection.ts';
import { addTagCommand } from './tag-command.ts';
import { addTokenCommands } from './token-commands.ts';

function humanBytes(n: number): string {
  if (n < 2 ** 10) return `${n} B`;
  if (n < 2 ** 20) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  if (n < 2 ** 30) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${(n / 2 ** 30).toFixed(2)} GiB`;
}

/** One bar per file on stderr when it is a terminal; nothing otherwise, so pipes and logs stay clean. */
function transferBars(enabled = process.stderr.isTTY): {
  onProgress?: (p: TransferProgress) => void;
  stop(): void;
} {
  if (!enabled) return { stop() {} };
  const multi = new cliProgress.MultiBar(
    {
      format: '{path} [{bar}] {percentage}% {done}/{size} {note}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    onProgress(p) {
      const key = `${p.direction}:${p.path}`;
      let bar = bars.get(key);
      const note =
        p.phase === 'waiting'
          ? 'waiting for another process'
          : p.resumedFrom > 0
            ? `resumed at ${p.resumedFrom}`
            : '';
      const payload = { note, done: humanBytes(p.bytes), size: humanBytes(p.total) };
      if (!bar) {
        bar = multi.create(p.total, p.bytes, { path: p.path.padEnd(24), ...payload });
        bars.set(key, bar);
      }
      bar.update(p.bytes, payload);
    },
    stop: () => multi.stop(),
  };
}

async function parentRevision(value: string): Promise<RevisionId | null> {
  if (value === 'none') return null;
  const { isRevisionId } = await zoo();
  if (!isRevisionId(value)) throw new Error(`--parent "${value}" must be a 40-hex revision id or "none"`);
  return value;
}

/** Every regular file under `dir` as a repository path; hidden entries are skipped and named. */
async function filesUnder(dir: string, skip: Set<string>): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    const full = join(entry.parentPath, entry.name);
    const rel = relative(dir, full).split(sep).join('/');
    if (rel.split('/').some((s) => s.startsWith('.'))) {
      if (entry.isFile()) process.stderr.write(`skipping hidden file ${rel}\n`);
      continue;
    }
    if (!entry.isFile() || skip.has(resolve(full))) continue;
    files[rel] = full;
  }
  return files;
}

function summarize(files: LocalFile[]): string {
  const count = (s: LocalFile['status']) => files.filter((f) => f.status === s).length;
  const bytes = files.reduce((sum, f) => sum + f.bytesTransferred, 0);
  const resumed = files.filter((f) => f.resumedFrom > 0).length;
  return (
    `${files.length} file(s): ${count('downloaded')} downloaded, ${count('cached')} from the cache, ` +
    `${count('repaired')} repaired; ${bytes} bytes transferred${resumed ? `, ${resumed} resumed` : ''}`
  );
}

/**
 * Adds the zoo client's commands to the `mim4d-zoo` program: `pull`, `push`, `ls`, `submit`, `login`, `benchmarks`,
 * `leaderboard`, `tag`, `tokens` and `revoke-token`.
 */
export function addClientCommands(program: Command): void {
  withConnection(
    program
      .command('pull')
      .description('download a model revision, verified by sha256, into the cache (and optionally a folder)')
      .argument(
        '<model>',
        'namespace/name, or namespace/name@revision (a tag or a revision id; default main)',
      )
      .option('--path <path...>', 'only these files of the revision')
      .option('--out <dir>', 'also place the files here (hard links where possible, else copies)')
      .option('--verify', 're-hash cached files and fetch damaged ones again')
      .option('--offline', 'use only the cache (also MIM4D_ZOO_OFFLINE=1)'),
  ).action((model: string, opts: ConnectionOptions & { path?: string[]; out?: string; verify?: boolean }) =>
    reporting(async () => {
      const { repo, revision } = (await zoo()).parseRepoRef(model);
      const client = await clientFrom(opts);
      const bars = transferBars();
      const fetchOptions = {
        ...(revision ? { revision } : {}),
        ...(opts.verify ? { verify: true } : {}),
        ...(bars.onProgress ? { onProgress: bars.onProgress } : {}),
      };
      let files: LocalFile[];
      let where: string;
      let pinned: string;
      try {
        if (opts.path) {
          // Resolve the tag once, so every file comes from the same revision even if the tag moves meanwhile.
          const manifest = await client.manifest(repo, revision);
          const pinnedOptions = { ...fetchOptions, revision: manifest.revision };
          files = [];
          for (const path of opts.path) files.push(await client.download(repo, path, pinnedOptions));
          pinned = manifest.revision;
          where = client.cache.layout.snapshotDir(repo, manifest.revision);
        } else {
          const snapshot = await client.snapshot(repo, fetchOptions);
          files = snapshot.files;
          where = snapshot.dir;
          pinned = snapshot.revision;
        }
      } finally {
        bars.stop();
      }
      if (opts.out) {
        const { placeFile } = await zoo();
        for (const f of files) await placeFile(f.localPath, join(opts.out, ...f.path.split('/')));
        // push takes the card from <dir>/card.json without uploading it as a file; pull puts it back there.
        const { card } = await client.manifest(repo, pinned);
        if (card && !files.some((f) => f.path === 'card.json')) {
          await writeFile(join(opts.out, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
        }
        where = resolve(opts.out);
      }
      process.stderr.write(`${model} -> revision ${pinned}\n${summarize(files)}\n`);
      process.stdout.write(`${where}\n`);
    }),
  );

  withConnection(
    program
      .command('push')
      .description('publish the files of a folder as a new revision (only blobs the server lacks are sent)')
      .argument('<model>', 'namespace/name')
      .argument('<dir>', 'folder whose files make up the revision')
      .option(
        '--card <file>',
        'model card JSON (default: <dir>/card.json, which is then not uploaded as a file)',
      )
      .option('--tag <tag...>', 'tags to point at the new revision', ['main'])
      .option(
        '--parent <revision>',
        'revision this one replaces (default: the current head; "none" for a new model)',
      )
      .option('-m, --message <text>', 'what changed')
      .option('--private', 'visible only to tokens that may read the namespace'),
  ).action(
    (
      model: string,
      dir: string,
      opts: ConnectionOptions & {
        card?: string;
        tag: string[];
        parent?: string;
        message?: string;
        private?: boolean;
      },
    ) =>
      reporting(async () => {
        const { repo, revision } = (await zoo()).parseRepoRef(model);
        if (revision)
          throw new Error(`push takes namespace/name without @${revision}; use --parent or --tag`);
        const cardPath = resolve(opts.card ?? join(dir, 'card.json'));
        let card: unknown;
        try {
          card = JSON.parse(await readFile(cardPath, 'utf8'));
        } catch (error) {
          throw new Error(`${cardPath}: cannot read the model card (${(error as Error).message})`);
        }
        const files = await filesUnder(resolve(dir), new Set([cardPath]));
        if (Object.keys(files).length === 0) throw new Error(`${dir}: no files to publish`);
        const client = await clientFrom(opts);
        const bars = transferBars();
        try {
          const result = await client.publish(repo, files, card, {
            tags: opts.tag,
            ...(opts.parent ? { parentRevision: await parentRevision(opts.parent) } : {}),
            ...(opts.message !== undefined ? { message: opts.message } : {}),
            ...(opts.private ? { private: true } : {}),
            ...(bars.onProgress ? { onProgress: bars.onProgress } : {}),
          });
          bars.stop();
          process.stderr.write(
            `${result.uploaded.length} file(s) uploaded, ${result.deduplicated.length} already on the server; ` +
              `tags ${opts.tag.join(', ')}\n`,
          );
          process.stdout.write(`${result.revision}\n`);
        } finally {
          bars.stop();
        }
      }),
  );

  withConnection(
    program
      .command('ls')
      .description('list the models this token can see')
      .argument('[query]', 'substring of namespace/name')
      .option('--json', 'one JSON object per line'),
  ).action((query: string | undefined, opts: ConnectionOptions & { json?: boolean }) =>
    reporting(async () => {
      const client = await clientFrom(opts);
      let cursor: string | undefined;
      let shown = 0;
      do {
        const page = await client.listModels({
          ...(query ? { q: query } : {}),
          limit: 100,
          ...(cursor ? { cursor } : {}),
        });
        for (const m of page.models) {
          process.stdout.write(
            opts.json
              ? `${JSON.stringify(m)}\n`
              : `${m.id}\t${m.head}\t${m.private ? 'private' : 'public'}\t${m.createdAt}\n`,
          );
        }
        shown += page.models.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      if (shown === 0)
        process.stderr.write(`no models${query ? ` matching "${query}"` : ''} visible to this token\n`);
    }),
  );

  withConnection(
    program
      .command('submit')
      .description(
        'send results to be scored on the server against its ground truth, and wait for the verdict (exit 1 if failed)',
      )
      .argument('<benchmark>', 'benchmark id, e.g. nuscenes-detection@v1')
      .argument(
        '<path>',
        'results: a detection or HD-map JSON file, a tar archive, or a folder of .npy files (packed as a gzip tar)',
      )
      .option(
        '--name <name>',
        'row name on the leaderboard (default: the model, else the file or folder name)',
      )
      .option('--model <ns/name>', 'attach the row to this model (needs write:<ns>)')
      .option('--idempotency-key <key>', 'a retry with the same key returns the first submission')
      .option('--no-wait', 'print the submission id and return at once'),
  ).action(
    (
      benchmark: string,
      path: string,
      opts: ConnectionOptions & { name?: string; model?: string; idempotencyKey?: string; wait: boolean },
    ) =>
      reporting(async () => {
        const client = await clientFrom(opts);
        const { submissionId } = await client.submit(benchmark, resolve(path), {
          ...(opts.name ? { name: opts.name } : {}),
          ...(opts.model ? { model: opts.model } : {}),
          ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
        });
        process.stdout.write(`${submissionId}\n`);
        if (!opts.wait) return;
        const done = await client.waitForSubmission(submissionId, {
          onStatus: (s) => process.stderr.write(`${s.id}: ${s.status}\n`),
        });
        if (done.status === 'verified') {
          for (const [key, value] of Object.entries(done.metrics ?? {}))
            process.stdout.write(`${key}\t${value}\n`);
          return;
        }
        for (const e of done.errors.slice(0, 20)) process.stderr.write(`  ${errorLine(e)}\n`);
        if (done.errors.length > 20) process.stderr.write(`  ... ${done.errors.length - 20} more\n`);
        throw new Error(`${done.id} failed`);
      }),
  );

  program
    .command('login')
    .description('check a token against the zoo and save it (0600) for later commands')
    .requiredOption('--token <token>', 'bearer token from `mim4d-zoo token create`')
    .option('--endpoint <url>', 'zoo URL to save with it')
    .action((opts: { token: string; endpoint?: string }) =>
      reporting(async () => {
        const path = await (await zoo()).ZooClient.login({
          token: opts.token,
          ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
        });
        process.stderr.write(`token accepted; saved to ${path}\n`);
      }),
    );

  addBenchmarkCommands(program);
  addTagCommand(program);
  addTokenCommands(program);
}
