import assert from 'node:assert/strict';
import { errorFromResponse } from '../../src/client/zoo-error.ts';

describe('errors from server answers', () => {
  it('carries the problem code, status, detail, JSON-pointer errors and request id', async () => {
    const response = new Response(
      JSON.stringify({
        code: 'InvalidCard',
        detail: 'the model card breaks the schema in 2 place(s)',
        errors: [
          { path: '/license', message: 'must be string' },
          { path: '/artifacts/0/path', message: 'is not among the committed files' },
        ],
      }),
      { status: 422, headers: { 'Content-Type': 'application/problem+json', 'X-Request-Id': 'req-1' } },
    );
    const error = await errorFromResponse(response, 'commit to org/m');
    assert.equal(error.code, 'InvalidCard');
    assert.equal(error.status, 422);
    assert.equal(error.requestId, 'req-1');
    assert.equal(
      error.message,
      'commit to org/m: 422 InvalidCard: the model card breaks the schema in 2 place(s)\n' +
        '  /license: must be string\n  /artifacts/0/path: is not among the committed files (request req-1)',
    );
  });

  it('hands the error items over by field, and leaves out what is not one', async () => {
    const response = new Response(
      JSON.stringify({
        code: 'InvalidSubmission',
        detail: 'the metrics do not fit nuscenes-detection@v1',
        errors: [{ path: '/metrics/NDS', message: 'is a fraction in [0, 1] (0.47, not 47)' }, 'stray text'],
      }),
      { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
    );
    const error = await errorFromResponse(response, 'report results');
    assert.deepEqual(error.errors, [
      { path: '/metrics/NDS', message: 'is a fraction in [0, 1] (0.47, not 47)' },
    ]);
    assert.equal(
      error.message,
      'report results: 422 InvalidSubmission: the metrics do not fit nuscenes-detection@v1\n' +
        '  /metrics/NDS: is a fraction in [0, 1] (0.47, not 47)',
    );
  });

  it('falls back to X-Error-Code and the body text when the body is not a problem document', async () => {
    const response = new Response('upstream proxy timeout', {
      status: 504,
      headers: { 'X-Error-Code': 'Gateway' },
    });
    const error = await errorFromResponse(response, 'list models');
    assert.equal(error.code, 'Gateway');
    assert.equal(error.message, 'list models: 504 Gateway: upstream proxy timeout');
    const bare = await errorFromResponse(new Response('', { status: 502 }), 'list models');
    assert.equal(bare.code, 'Http502');
  });
});
