/**
 * Time of the Hungarian matching of the detection head (`@mim4d/finetune` linearSumAssignment, which validates
 * the costs and calls the `linear-sum-assignment` package) at the head's query x target sizes, next to the bare
 * package call on the same matrices, so the wrapper's own cost shows as a ratio. Costs are random floats like
 * the focal + L1 costs (no ties). Prints the median milliseconds of one call.
 *
 *   npx tsx bench/assignment.ts
 */
import { linearSumAssignment as bare } from 'linear-sum-assignment';
import { linearSumAssignment } from '../heads/finetune/src/matching/linear-sum-assignment.ts';
import { SeededRandom, timeMedian } from '../nn/src/index.ts';

const SIZES: [number, number][] = [
  [200, 30],
  [200, 100],
  [900, 100],
  [30, 200],
];

const rng = new SeededRandom(1);
console.log('rows x cols   ours ms   package ms   ours / package');
for (const [rows, cols] of SIZES) {
  const cost = Float64Array.from({ length: rows * cols }, () => 10 * rng.next());
  const nested = Array.from({ length: rows }, (_, r) => Array.from(cost.subarray(r * cols, (r + 1) * cols)));
  const ours = timeMedian(() => linearSumAssignment(cost, rows, cols), 1000).ms;
  const pkg = timeMedian(() => bare(nested, { maximaze: false }), 1000).ms;
  const label = `${rows} x ${cols}`.padEnd(13);
  console.log(
    `${label} ${ours.toFixed(3).padStart(7)}   ${pkg.toFixed(3).padStart(10)}   ${(ours / pkg).toFixed(2).padStart(14)}`,
  );
}
