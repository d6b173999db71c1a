import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { integerOption } from '../src/integer-option.ts';

describe('integer options', () => {
  it('read digits as a number, surrounding spaces allowed', () => {
    assert.equal(integerOption('--steps')(' 600 '), 600);
    assert.equal(integerOption('--workers')('0'), 0);
  });

  it('refuse signs, decimals, exponents, hex and empty text, naming the flag', () => {
    for (const bad of ['-1', '2.5', '1e3', '0x10', '', 'ten']) {
      assert.throws(
        () => integerOption('--steps')(bad),
        (e: unknown) =>
          e instanceof InvalidArgumentError && /^--steps takes an integer from 0 up/.test(e.message),
        bad,
      );
    }
  });

  it('hold values to the range and say which range', () => {
    const scenes = integerOption('--scenes', { min: 1, max: 10 });
    assert.equal(scenes('10'), 10);
    assert.throws(() => scenes('11'), /--scenes takes an integer from 1 to 10, not "11"/);
    assert.throws(() => integerOption('--steps', { min: 1 })('0'), /--steps takes a positive integer/);
  });

  it('refuse numbers too large to be exact', () => {
    assert.throws(() => integerOption('--seed')('9007199254740993'), /--seed takes an integer from 0 up/);
  });
});
