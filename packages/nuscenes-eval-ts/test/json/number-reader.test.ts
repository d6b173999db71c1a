import assert from 'node:assert/strict';
import { JsonNumberReader } from '../../src/json/number-reader.ts';
import { seededRandom } from '../detection/random-case.ts';

const reader = new JsonNumberReader();

/** What the reader makes of `text` followed by a comma: the value, and whether it stopped at the comma. */
function read(text: string): { value: number; whole: boolean } {
  const bytes = Buffer.from(`${text},`);
  const end = reader.read(bytes, 0, bytes.length);
  return { value: reader.value, whole: end === text.length };
}

function assertAsJsonParse(texts: string[]): void {
  for (const text of texts) {
    const { value, whole } = read(text);
    assert.ok(whole, `${text}: read to its end`);
    assert.ok(Object.is(value, JSON.parse(text)), `${text}: ${value}, JSON.parse says ${JSON.parse(text)}`);
  }
}

describe('JSON number reader', () => {
  const rand = seededRandom(7);
  const digits = (n: number) => {
    let text = String(1 + Math.floor(rand() * 9));
    for (let i = 1; i < n; i++) text += String(Math.floor(rand() * 10));
    return text;
  };

  it('reads doubles as JavaScript writes them (up to 17 digits) to the same bits as JSON.parse', () => {
    const texts: string[] = [];
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    for (let k = 0; k < 20000; k++) {
      texts.push(JSON.stringify((rand() - 0.5) * 10 ** Math.floor(rand() * 14 - 7)));
      words[0] = rand() * 2 ** 32;
      words[1] = rand() * 2 ** 32;
      if (Number.isFinite(bits[0])) texts.push(JSON.stringify(bits[0]));
    }
    assertAsJsonParse(texts);
  });

  it('reads any digit string with a point, an exponent or neither to the same bits as JSON.parse', () => {
    const texts: string[] = [];
    for (let k = 0; k < 20000; k++) {
      const d = digits(1 + Math.floor(rand() * 24));
      const point = Math.floor(rand() * (d.length + 1));
      let text =
        point === 0
          ? `0.${'0'.repeat(Math.floor(rand() * 6))}${d}`
          : point === d.length
            ? d
            : `${d.slice(0, point)}.${d.slice(point)}`;
      if (rand() < 0.3)
        text += `${rand() < 0.5 ? 'e' : 'E'}${['', '+', '-'][Math.floor(rand() * 3)]}${Math.floor(rand() * 40)}`;
      texts.push(rand() < 0.5 ? `-${text}` : text);
    }
    assertAsJsonParse(texts);
  });

  it('rounds numbers written near halfway between two doubles as JSON.parse does', () => {
    const texts: string[] = [];
    for (let k = 0; k < 20000; k++) {
      const a = rand() * 10 ** Math.floor(rand() * 6 - 2);
      const ulp = 2 ** (Math.floor(Math.log2(a)) - 52);
      const halfway = a + ulp / 2;
      for (const precision of [16, 17, 18, 19]) texts.push(halfway.toPrecision(precision).replace('e+', 'e'));
    }
    assertAsJsonParse(texts);
  });

  it('rounds numbers written near powers of two, where the spacing of doubles halves, as JSON.parse does', () => {
    const texts: string[] = [];
    for (let k = -30; k <= 30; k++) {
      const power = 2 ** k;
      for (let step = -48; step <= 48; step++) {
        const x = power + (step / 8) * power * 2 ** -53;
        for (const precision of [16, 17, 18, 19]) texts.push(x.toPrecision(precision).replace('e+', 'e'));
      }
    }
    assertAsJsonParse(texts);
  });

  it('reads zeros, signs, exact integers past 2^53 and the extremes', () => {
    assertAsJsonParse([
      '0',
      '-0',
      '0.000',
      '-0.0e5',
      '9007199254740993',
      '123456789012345678',
      '12345678901234567890123',
      '1e22',
      '1e23',
      '1.7976931348623157e308',
      '5e-324',
      '2.2250738585072014e-308',
      '1e400',
      '-1e-400',
    ]);
  });

  it('refuses what is not a JSON number, or stops before the part that is not', () => {
    for (const text of ['-', '.5', '1.', '1e', '1e+', '+1', 'NaN', '--1', '01', '1.5.2', '0x10']) {
      assert.equal(read(text).whole, false, text);
    }
  });
});
