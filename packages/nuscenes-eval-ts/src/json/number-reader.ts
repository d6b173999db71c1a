/**
 * Reading a JSON number straight from bytes to the double `JSON.parse` gives (the correctly rounded value),
 * without making a string: submissions write every coordinate with up to 17 significant digits, and going
 * through a string per number cost more than JSON.parse itself.
 *
 * Up to 15 significant digits and a power of ten up to 1e22 are exact doubles, so one multiplication or
 * division rounds correctly (Clinger's fast path). 16 to 19 digits divided by 10^1..10^22 are done in
 * double-double arithmetic: the quotient q = hi / 10^k is rounded once, the exact remainder says whether the
 * true value lies nearer q or a neighbour. Anything else (more digits, larger exponents, a remainder too close
 * to halfway to call) goes through `Number()` of the text, which rounds correctly too.
 */

const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** 10^0 .. 10^22: every one an exact double. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Dekker's splitter for exact products without fused multiply-add. */
const SPLITTER = 134217729; // 2^27 + 1
/** How much the computed remainder may be off, relative to the terms it was summed from. */
const REMAINDER_SLACK = 2 ** -48;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

/** Dekker's halves of each power of ten, for exact products with it. */
const POW10_HIGH = POW10.map((p) => SPLITTER * p - (SPLITTER * p - p));
const POW10_LOW = POW10.map((p, i) => p - POW10_HIGH[i]);

/** The rounding error of a * 10^k (whose rounded product is p), exactly. */
function productError(a: number, k: number, p: number): number {
  const t = SPLITTER * a;
  const aHigh = t - (t - a);
  const aLow = a - aHigh;
  const bHigh = POW10_HIGH[k];
  const bLow = POW10_LOW[k];
  return aHigh * bHigh - p + aHigh * bLow + aLow * bHigh + aLow * bLow;
}

export class JsonNumberReader {
  /**
   * The number read by the last successful `read`. Starting as a double (not the small integer 0) keeps the
   * field's storage a double updated in place: a tagged field took a heap allocation for every number.
   */
  value = Number.NaN;

  /**
   * The significand's first 15 digits on their way to `roundMagnitude`: a double passed to a call that is not
   * inlined is boxed, one heap allocation per number read (38 MB of garbage on a validation-sized submission).
   */
  private readonly head = new Float64Array(1);

  /**
   * Reads the JSON number at bytes[from], not past `to`; returns the index after it, or -1 when no valid
   * JSON number starts there. What follows the number is the caller's to check.
   */
  read(bytes: Uint8Array, from: number, to: number): number {
    let i = from;
    const negative = i < to && bytes[i] === MINUS;
    if (negative) i++;
    // The first 15 significant digits, the next up to 4, and how many there were (past 19: Number()).
    let head = 0;
    let tail = 0;
    let tailDigits = 0;
    let digits = 0;
    let exponent = 0;
    // The integer digits, then those after a point, each in a tight loop of its own: one loop asking per byte
    // which part it was in took a fifth longer on submissions' 17-digit coordinates.
    for (let fraction = false; ; fraction = true) {
      const partStart = i;
      for (; i < to; i++) {
        const d = bytes[i] - ZERO;
        if (d < 0 || d > 9) break;
        if (digits < 15) {
          head = head * 10 + d;
          if (head !== 0) digits++; // leading zeros are not significant
        } else {
          if (digits < 19) {
            tail = tail * 10 + d;
            tailDigits++;
          }
          digits++;
        }
      }
      // JSON wants digits on both sides of a point, and no leading zero before others.
      if (i === partStart) return -1;
      if (fraction) {
        exponent = partStart - i;
        break;
      }
      if (bytes[partStart] === ZERO && i - partStart > 1) return -1;
      if (i >= to || bytes[i] !== DOT) break;
      i++;
    }
    if (i < to && (bytes[i] === LOWER_E || bytes[i] === UPPER_E)) {
      i++;
      const exponentSign = i < to && bytes[i] === MINUS ? -1 : 1;
      if (i < to && (bytes[i] === PLUS || bytes[i] === MINUS)) i++;
      const first = i;
      let written = 0;
      for (; i < to; i++) {
        const d = bytes[i] - ZERO;
        if (d < 0 || d > 9) break;
        if (written < 100000) written = written * 10 + d;
      }
      if (i === first) return -1;
      exponent += exponentSign * written;
    }
    this.head[0] = head;
    if (digits === 0) this.value = 0;
    else if (digits > 19 || !this.roundMagnitude(tail, tailDigits, exponent)) {
      this.value = Number(textOf(bytes, from, i)); // the sign included
      return i;
    }
    if (negative) this.value = -this.value;
    return i;
  }

  /**
   * Sets `value` to `head` * 10^tailDigits + tail, times 10^exponent, correctly rounded; false when it cannot
   * tell here. (Stored, not returned: a double returned from a call that is not inlined is a heap allocation.)
   */
  private roundMagnitude(tail: number, tailDigits: number, exponent: number): boolean {
    const head = this.head[0];
    if (tailDigits === 0) {
      if (exponent >= 0 && exponent <= 22) {
        this.value = head * POW10[exponent];
        return true;
      }
      if (exponent < 0 && exponent >= -22) {
        this.value = head / POW10[-exponent];
        return true;
      }
      return false;
    }
    if (exponent > 0 || exponent < -22) return false;
    // The significand exactly, as hi + lo.
    const scale = POW10[tailDigits];
    const p = head * scale;
    const pe = productError(head, tailDigits, p);
    const s = p + tail;
    const back = s - p;
    const se = p - (s - back) + (tail - back);
    const small = se + pe; // both are integers below 2^12: exact
    const hi = s + small;
    const lo = small - (hi - s);
    if (exponent === 0) {
      this.value = hi;
      return true;
    }
    const divisor = POW10[-exponent];
    const q = hi / divisor;
    const qp = q * divisor;
    const qpe = productError(q, -exponent, qp);
    const r1 = hi - qp; // exact: qp is within a factor of 2 of hi
    const remainder = r1 - qpe + lo;
    bits[0] = q;
    const high = words[HIGH];
    const biased = high >>> 20;
    const mantissaHigh = high & 0xfffff;
    const mantissaLow = words[LOW];
    if (biased <= 53 || (mantissaHigh === 0 && mantissaLow === 0)) return false;
    words[HIGH] = (biased - 52) << 20;
    words[LOW] = 0;
    const ulp = bits[0];
    const half = ulp * divisor * 0.5;
    const slack = REMAINDER_SLACK * (Math.abs(r1) + Math.abs(qpe) + Math.abs(lo));
    const distance = Math.abs(remainder);
    if (distance < half - slack) {
      this.value = q;
      return true;
    }
    // The significand's own rounding (lo) can put the value up to 1.4 ulp from q, and past 1.5 ulp another
    // double is nearer. Below q, when q - ulp is a power of two the doubles under it are closer together:
    // past 1.25 ulp the next one down could be nearer.
    const powerOfTwoBelow = remainder < 0 && mantissaHigh === 0 && mantissaLow === 1;
    const nearest = (powerOfTwoBelow ? 2.5 : 3) * half;
    if (distance > half + slack && distance < nearest - slack) {
      this.value = remainder > 0 ? q + ulp : q - ulp;
      return true;
    }
    return false;
  }
}

/** bytes[from, to) as text: only ever ASCII digits, signs, `.` and `e` here. */
function textOf(bytes: Uint8Array, from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) text += String.fromCharCode(bytes[i]);
  return text;
}
