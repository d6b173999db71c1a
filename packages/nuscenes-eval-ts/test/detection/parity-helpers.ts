import assert from 'node:assert/strict';

/** Deep comparison of metric JSON: numbers within `tol` (absolute), null and NaN equal, keys and order equal. */
export function assertClose(actual: unknown, expected: unknown, tol: number, path = '$'): void {
  if (expected === null || (typeof expected === 'number' && Number.isNaN(expected))) {
    assert.ok(actual === null || Number.isNaN(actual as number), `${path}: expected NaN/null, got ${actual}`);
    return;
  }
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${path}: expected a number, got ${actual}`);
    const diff = Math.abs((actual as number) - expected);
    assert.ok(diff <= tol, `${path}: ${actual} differs from ${expected} by ${diff}`);
    return;
  }
  if (Array.isArray(expected)) {
    const a = Array.from(actual as ArrayLike<unknown>);
    assert.equal(a.length, expected.length, `${path}: length`);
    for (let i = 0; i < expected.length; i++) assertClose(a[i], expected[i], tol, `${path}[${i}]`);
    return;
  }
  if (typeof expected === 'object') {
    const a = actual as Record<string, unknown>;
    assert.deepEqual(Object.keys(a), Object.keys(expected), `${path}: keys`);
    for (const [k, e] of Object.entries(expected)) assertClose(a[k], e, tol, `${path}.${k}`);
    return;
  }
  assert.equal(actual, expected, path);
}
