import assert from 'node:assert/strict';
import { SeededRandom } from '@mim4d/nn';
import { linearSumAssignment } from '../../src/matching/linear-sum-assignment.ts';

/** The least total cost over every assignment of the smaller side, by enumeration. */
function bruteForceMinimum(cost: Float64Array, rows: number, cols: number): number {
  const transposed = rows > cols;
  const [n, m] = transposed ? [cols, rows] : [rows, cols];
  const at = (i: number, j: number) => (transposed ? cost[j * cols + i] : cost[i * cols + j]);
  const used = new Array<boolean>(m).fill(false);
  let best = Number.POSITIVE_INFINITY;
  const extend = (i: number, sum: number): void => {
    if (i === n) {
      best = Math.min(best, sum);
      return;
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      extend(i + 1, sum + at(i, j));
      used[j] = false;
    }
  };
  extend(0, 0);
  return best;
}

/** Checks the assignment is one-to-one and complete on the smaller side; returns its total cost. */
function assignedCost(assignment: Int32Array, cost: Float64Array, rows: number, cols: number): number {
  assert.equal(assignment.length, rows);
  const seen = new Set<number>();
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const c = assignment[r];
    if (c === -1) continue;
    assert.ok(c >= 0 && c < cols, `row ${r} got column ${c}`);
    assert.ok(!seen.has(c), `column ${c} assigned twice`);
    seen.add(c);
    total += cost[r * cols + c];
  }
  assert.equal(seen.size, Math.min(rows, cols));
  return total;
}

function randomMatrix(rng: SeededRandom, rows: number, cols: number, integers: boolean): Float64Array {
  return Float64Array.from({ length: rows * cols }, () => (integers ? rng.int(3) : 20 * rng.next() - 10));
}

describe('linearSumAssignment', () => {
  it('finds the minimum total cost of brute force on random square and rectangular matrices up to 7 x 7', () => {
    const rng = new SeededRandom(11);
    let wide = 0;
    let tall = 0;
    for (let trial = 0; trial < 1500; trial++) {
      const rows = 1 + rng.int(7);
      const cols = 1 + rng.int(7);
      if (rows < cols) wide++;
      if (rows > cols) tall++;
      const cost = randomMatrix(rng, rows, cols, false);
      const got = assignedCost(linearSumAssignment(cost, rows, cols), cost, rows, cols);
      const want = bruteForceMinimum(cost, rows, cols);
      assert.ok(Math.abs(got - want) <= 1e-9, `${rows} x ${cols}: total ${got}, brute force ${want}`);
    }
    assert.ok(wide > 300 && tall > 300, 'both rectangular orientations were drawn');
  });

  it('stays optimal on small-integer matrices full of ties, and repeats its choice for the same input', () => {
    const rng = new SeededRandom(12);
    for (let trial = 0; trial < 1500; trial++) {
      const rows = 1 + rng.int(7);
      const cols = 1 + rng.int(7);
      const cost = randomMatrix(rng, rows, cols, true);
      const first = linearSumAssignment(cost, rows, cols);
      assert.equal(assignedCost(first, cost, rows, cols), bruteForceMinimum(cost, rows, cols));
      assert.deepEqual(linearSumAssignment(cost.slice(), rows, cols), first);
    }
  });

  it('gives each row the lowest free column when all costs are equal', () => {
    assert.deepEqual([...linearSumAssignment(new Float64Array(9), 3, 3)], [0, 1, 2]);
    assert.deepEqual([...linearSumAssignment(new Float64Array(8), 2, 4)], [0, 1]);
    assert.deepEqual([...linearSumAssignment(new Float64Array(8), 4, 2)], [0, 1, -1, -1]);
  });

  it('matches every column of a tall matrix to its cheapest distinct row', () => {
    // 4 queries x 2 targets: query 2 fits target 0 and query 0 fits target 1.
    const cost = Float64Array.from([5, 0.1, 3, 4, 0.2, 9, 7, 8]);
    assert.deepEqual([...linearSumAssignment(cost, 4, 2)], [1, -1, 0, -1]);
  });

  it('handles empty sides: no rows, or no columns leave every row unmatched', () => {
    assert.deepEqual([...linearSumAssignment(new Float64Array(0), 0, 5)], []);
    assert.deepEqual([...linearSumAssignment(new Float64Array(0), 3, 0)], [-1, -1, -1]);
  });

  it('avoids +Infinity pairs when it can and calls the matrix infeasible when it cannot', () => {
    const inf = Number.POSITIVE_INFINITY;
    assert.deepEqual([...linearSumAssignment(Float64Array.from([inf, 1, 1, inf]), 2, 2)], [1, 0]);
    assert.throws(
      () => linearSumAssignment(Float64Array.from([inf, inf, 1, inf]), 2, 2),
      /2 x 2 cost matrix is infeasible/,
    );
    assert.throws(() => linearSumAssignment(Float64Array.from([inf]), 1, 1), /infeasible/);
  });

  it('refuses NaN and -Infinity costs, naming the cell', () => {
    assert.throws(
      () => linearSumAssignment(Float64Array.from([0, 1, 2, Number.NaN, 4, 5]), 2, 3),
      /cost\[1, 0\] is NaN/,
    );
    assert.throws(
      () => linearSumAssignment(Float64Array.from([0, Number.NEGATIVE_INFINITY]), 1, 2),
      /cost\[0, 1\] is -Infinity/,
    );
  });

  it('refuses a cost array that does not hold rows x cols values', () => {
    assert.throws(
      () => linearSumAssignment(new Float64Array(5), 2, 3),
      /cost has 5 values, expected rows \* cols = 6/,
    );
    assert.throws(
      () => linearSumAssignment(new Float64Array(0), -1, 0),
      /rows must be an integer >= 0, got -1/,
    );
    assert.throws(
      () => linearSumAssignment(new Float64Array(2), 1, 2.5),
      /cols must be an integer >= 0, got 2.5/,
    );
  });
});
