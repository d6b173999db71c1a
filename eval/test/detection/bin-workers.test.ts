import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomCase } from '../../../packages/nuscenes-eval-ts/test/detection/random-case.ts';

const run = promisify(execFile);
const bin = new URL('../../bin/mim4d-eval.js', import.meta.url).pathname;

describe('mim4d-eval detection from its bin under plain node', () => {
  it('parses a large submission on worker threads to the same metrics as in the main thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'det-bin-'));
    const { gt, pred } = randomCase(11, 40, { maxGt: 30, minPred: 300, maxPred: 400 });
    const gtPath = join(dir, 'gt.json');
    const resultsPath = join(dir, 'results.json');
    writeFileSync(gtPath, JSON.stringify(gt));
    writeFileSync(resultsPath, JSON.stringify({ meta: {}, results: pred }));
    assert.ok(statSync(resultsPath).size > 4 << 20, 'files under 4 MB are never parsed on workers');
    const summaries = [];
    for (const workers of ['0', '2']) {
      const out = join(dir, `out-${workers}`);
      const args = ['--gt', gtPath, '--results', resultsPath, '--output-dir', out, '--json'];
      // A process of its own: node, not the test runner's loader, with the bin registering tsx itself.
      await run(process.execPath, [bin, 'detection', ...args, '--load-workers', workers]);
      const { eval_time: _, ...summary } = JSON.parse(
        readFileSync(join(out, 'metrics_summary.json'), 'utf8'),
      );
      summaries.push(summary);
    }
    assert.ok(summaries[0].mean_ap > 0);
    assert.deepEqual(summaries[1], summaries[0]);
  });
});
