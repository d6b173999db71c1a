import assert from 'node:assert/strict';
import { type BendArc, type BendProfile, bendProfile, SPIRAL_PIECES } from '../../src/synth/clothoid-bend.ts';
import { Random } from '../../src/synth/random.ts';
import {
  bendArcs,
  bendJoints,
  bendPoint,
  bendPose,
  type RoadBend,
  unbendPoint,
} from '../../src/synth/road-bends.ts';
import { buildTown } from '../../src/synth/town.ts';

const LOCATIONS = ['boston-seaport', 'singapore-onenorth'] as const;

/** The bends of the towns of a few seeds, with each bend's profile. */
function bendsOf(seeds: number): { bend: RoadBend; profile: BendProfile }[] {
  return Array.from({ length: seeds }, (_, seed) =>
    LOCATIONS.map((l) => buildTown(l, new Random(seed).fork('town'))),
  )
    .flat()
    .flatMap((town) => town.bends)
    .map((bend) => ({
      bend,
      profile: bendProfile(bend.angleRad, bend.spiralShare, bend.to - bend.from),
    }));
}

/** The clothoid S-bend's curvature at arc length s, for a bend swinging to `side`: linear between its knots. */
function curvatureAt({ curvature: k, spiralM: c, holdM: h }: BendProfile, side: number, s: number): number {
  const lengths = [0, c, h, 2 * c, c + 2 * h, 2 * c, h, c];
  const values = [0, k, k, -k, -k, k, k, 0];
  let s0 = 0;
  for (let i = 1; i < lengths.length; i++) {
    if (s <= s0 + lengths[i])
      return side * (values[i - 1] + ((values[i] - values[i - 1]) * (s - s0)) / lengths[i]);
    s0 += lengths[i];
  }
  return 0;
}

/** The clothoid's heading at arc length s: its curvature integrated, exactly, as that is linear between knots. */
function headingAt(profile: BendProfile, side: number, s: number): number {
  const { spiralM: c, holdM: h } = profile;
  const knots = [0, c, c + h, 3 * c + h, 4 * c + 3 * h, 6 * c + 3 * h, 6 * c + 4 * h, 7 * c + 4 * h];
  let heading = 0;
  for (let i = 1; i < knots.length && knots[i - 1] < s; i++) {
    const [a, b] = [knots[i - 1], Math.min(knots[i], s)];
    heading += ((b - a) * (curvatureAt(profile, side, a) + curvatureAt(profile, side, b))) / 2;
  }
  return heading;
}

/** The clothoid's length: its seven pieces. */
function lengthOf({ spiralM: c, holdM: h }: BendProfile): number {
  return 7 * c + 4 * h;
}

/** Signed curvature of an arc in the bend's frame (positive: turning left, looking along +u). */
const arcCurvature = (a: BendArc) => -a.k / a.r;

/** The arc spline's point at arc length s, in the bend's frame. */
function splineAt(arcs: readonly BendArc[], s: number): [number, number] {
  const a = arcs.findLast((arc) => arc.s0 <= s) ?? arcs[0];
  const kappa = arcCurvature(a);
  const yaw = a.yaw0 + kappa * (s - a.s0);
  return [a.cu + Math.sin(yaw) / kappa, a.cv - Math.cos(yaw) / kappa];
}

/** The clothoid's points every `step` metres or less, integrated by RK4 from its curvature. */
function integrateClothoid(profile: BendProfile, side: number, step: number): [number, number][] {
  const total = lengthOf(profile);
  const n = Math.ceil(total / step);
  const ds = total / n;
  const deriv = (s: number, yaw: number) => [Math.cos(yaw), Math.sin(yaw), curvatureAt(profile, side, s)];
  let [x, y, yaw] = [0, 0, 0];
  const out: [number, number][] = [[x, y]];
  for (let i = 0; i < n; i++) {
    const s = i * ds;
    const k1 = deriv(s, yaw);
    const k2 = deriv(s + ds / 2, yaw + (ds / 2) * k1[2]);
    const k3 = deriv(s + ds / 2, yaw + (ds / 2) * k2[2]);
    const k4 = deriv(s + ds, yaw + ds * k3[2]);
    x += (ds / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
    y += (ds / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
    yaw += (ds / 6) * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2]);
    out.push([x, y]);
  }
  return out;
}

describe('clothoid transitions of the road bends', () => {
  const bends = bendsOf(12);

  it('steps the curvature along each bend as a staircase on the clothoids: from zero, never by more than kappa / N', () => {
    assert.ok(bends.length > 50, `${bends.length} bends`);
    for (const { bend, profile } of bends) {
      const arcs = bendArcs(bend);
      const jump = profile.curvature / SPIRAL_PIECES + 1e-12;
      const curvatures = [0, ...arcs.map(arcCurvature), 0];
      for (let i = 1; i < curvatures.length; i++) {
        assert.ok(
          Math.abs(curvatures[i] - curvatures[i - 1]) <= jump,
          `a jump of ${curvatures[i] - curvatures[i - 1]}`,
        );
      }
      arcs.forEach((arc, i) => {
        // Each arc has the clothoid's mean curvature over it: the value at its middle, as the ramps are linear.
        const length = (i + 1 < arcs.length ? arcs[i + 1].s0 : lengthOf(profile)) - arc.s0;
        const mid = curvatureAt(profile, bend.side, arc.s0 + length / 2);
        assert.ok(Math.abs(arcCurvature(arc) - mid) < 1e-12, `arc ${i}: ${arcCurvature(arc)} vs ${mid}`);
      });
    }
  });

  it("turns the road at each joint of its arcs by the clothoid's heading there", () => {
    for (const { bend, profile } of bends) {
      const arcs = bendArcs(bend);
      const yaw0 = bend.axis === 'x' ? 0 : Math.PI / 2;
      bendJoints(bend)
        .slice(0, -1)
        .forEach((along, i) => {
          const [x, y] = bend.axis === 'x' ? [along, bend.centre] : [bend.centre, along];
          const turn = bendPose([bend], { x, y, yaw: yaw0 }).yaw - yaw0;
          // Along y the bend's frame is the global one mirrored, so the road turns the other way.
          const heading = headingAt(profile, bend.side, arcs[i].s0);
          assert.ok(
            Math.abs((bend.axis === 'x' ? turn : -turn) - heading) < 1e-9,
            `joint ${i}: ${turn} vs ${heading}`,
          );
        });
    }
  });

  it('keeps the arc spline within a centimetre of the clothoid it stands for', () => {
    let worst = 0;
    for (const { bend, profile } of bends.slice(0, 40)) {
      const clothoid = integrateClothoid(profile, bend.side, 0.01);
      const step = lengthOf(profile) / (clothoid.length - 1);
      const arcs = bendArcs(bend);
      for (let i = 0; i < clothoid.length; i += 10) {
        const [u, v] = splineAt(arcs, i * step);
        worst = Math.max(worst, Math.hypot(u - clothoid[i][0], v - clothoid[i][1]));
      }
    }
    assert.ok(worst < 0.01 && worst > 0, `${worst} m from the clothoid`);
  });

  it('leaves no arc under a 24 m radius, nor tight enough to fold the sidewalk inside it, and swings left or right with no net offset', () => {
    for (const { bend } of bends) {
      const tightest = Math.min(...bendArcs(bend).map((a) => a.r));
      assert.ok(
        tightest >= 24 && tightest > 2 * bend.reach,
        `a ${tightest} m radius on a ${bend.reach} m strip`,
      );
      const end = bendJoints(bend).at(-1) as number;
      assert.equal(end, bend.to);
      // The lane lines leave the bend where they entered it, heading along the axis.
      for (const across of [-5.25, 0, 5.25]) {
        const along = bend.to - 1e-6;
        const [x, y] = bend.axis === 'x' ? [along, bend.centre + across] : [bend.centre + across, along];
        const out = bendPose([bend], { x, y, yaw: 0 });
        assert.ok(Math.hypot(out.x - x, out.y - y) < 1e-6 && Math.abs(out.yaw) < 1e-6, `${out.x}, ${out.y}`);
      }
    }
  });

  it('keeps the lanes their width: a point across the road lands that far out along the bent centreline normal, and back', () => {
    for (const { bend } of bends.slice(0, 40)) {
      const yaw0 = bend.axis === 'x' ? 0 : Math.PI / 2;
      for (let f = 0.01; f < 1; f += 0.0137) {
        const along = bend.from + f * (bend.to - bend.from);
        const at = (c: number): [number, number] =>
          bend.axis === 'x' ? [along, bend.centre + c] : [bend.centre + c, along];
        const centre = bendPose([bend], { x: at(0)[0], y: at(0)[1], yaw: yaw0 });
        for (const c of [-10.5, -3.5, 3.5, 7, 10.5]) {
          const [x, y] = bendPoint([bend], ...at(c));
          const [dx, dy] = [x - centre.x, y - centre.y];
          assert.ok(Math.abs(Math.hypot(dx, dy) - Math.abs(c)) < 1e-9, `${Math.hypot(dx, dy)} for ${c}`);
          assert.ok(Math.abs(dx * Math.cos(centre.yaw) + dy * Math.sin(centre.yaw)) < 1e-9, 'off the normal');
          // And it comes back: the ground raster unbends every cell so.
          const back = unbendPoint(bend, x, y);
          assert.ok(back && Math.hypot(back[0] - at(c)[0], back[1] - at(c)[1]) < 1e-9, `${back} vs ${at(c)}`);
        }
      }
    }
  });

  it('refuses a profile it cannot draw: a bend turning a right angle, no spirals or all spirals', () => {
    assert.throws(() => bendProfile(Math.PI / 2, 0.4, 50), /angle/);
    assert.throws(() => bendProfile(0.3, 0, 50), /spiral share/);
    assert.throws(() => bendProfile(0.3, 1, 50), /spiral share/);
    assert.throws(() => bendProfile(0.3, 0.4, -5), /span/);
  });
});
