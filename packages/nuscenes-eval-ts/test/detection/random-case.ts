/**
 * Seeded random detection cases built to stress the metric's numeric corners: score ties, exact 0.0 scores,
 * predictions exactly at a matching threshold, barriers turned by pi, zero and non-unit quaternions, NaN
 * velocities, missing GT attributes, classes without GT and samples without boxes.
 * Used for the devkit-produced fixtures (make-devkit-fixtures.ts) and the benchmark's validation-sized case.
 */
import { ATTRIBUTE_NAMES, DETECTION_NAMES, type DetectionBoxJson } from '../../src/index.ts';

/** mulberry32: small, fast and reproducible across platforms. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleShape {
  /** Most GT boxes in one sample. */
  maxGt: number;
  /** Most predictions in one sample (the submission limit is 500). */
  maxPred: number;
  /** Least predictions in one sample. */
  minPred?: number;
}

export interface SampleBoxes {
  gt: DetectionBoxJson[];
  pred: DetectionBoxJson[];
}

const THRESHOLD_OFFSETS = [0.5, 1, 2, 4];

export class RandomSampleGenerator {
  private readonly rand: () => number;
  /** Classes that have GT in this case; the others only get false positives. */
  private readonly gtClasses: string[];

  constructor(seed: number) {
    this.rand = seededRandom(seed);
    this.gtClasses = DETECTION_NAMES.filter(() => this.rand() < 0.8);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)];
  }

  private normal(): number {
    const u = 1 - this.rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rand());
  }

  private score(): number {
    const r = this.rand();
    if (r < 0.05) return 0.0;
    if (r < 0.35) return Math.round(this.rand() * 10) / 10;
    return this.rand();
  }

  private rotation(yaw: number, allowDegenerate: boolean): [number, number, number, number] {
    if (allowDegenerate && this.rand() < 0.02) return [0, 0, 0, 0];
    const scale = this.rand() < 0.2 ? 0.5 + this.rand() : 1;
    const tilt = this.rand() < 0.2 ? 0.05 * this.normal() : 0;
    return [Math.cos(yaw / 2) * scale, tilt * scale, tilt * scale * 0.5, Math.sin(yaw / 2) * scale];
  }

  private size(): [number, number, number] {
    return [0.3 + 2.5 * this.rand(), 0.3 + 6 * this.rand(), 0.5 + 3 * this.rand()];
  }

  private velocity(nanRate: number): [number | null, number | null] {
    if (this.rand() < nanRate) return [null, null];
    return [4 * this.normal(), 4 * this.normal()];
  }

  private attribute(emptyRate: number): string {
    return this.rand() < emptyRate ? '' : this.pick(ATTRIBUTE_NAMES);
  }

  sample(token: string, shape: SampleShape): SampleBoxes {
    const gt: DetectionBoxJson[] = [];
    const nGt = this.gtClasses.length === 0 ? 0 : Math.floor(this.rand() * (shape.maxGt + 1));
    for (let i = 0; i < nGt; i++) {
      // Integer centres make the at-threshold offsets below exact in float64.
      const onGrid = this.rand() < 0.3;
      const x = onGrid ? Math.round(60 * (this.rand() - 0.5)) : 60 * (this.rand() - 0.5);
      const y = onGrid ? Math.round(60 * (this.rand() - 0.5)) : 60 * (this.rand() - 0.5);
      const yaw = 2 * Math.PI * (this.rand() - 0.5);
      gt.push({
        sample_token: token,
        translation: [x, y, 2 * this.rand()],
        size: this.size(),
        rotation: this.rotation(yaw, false),
        velocity: this.velocity(0.1),
        detection_name: this.pick(this.gtClasses) as DetectionBoxJson['detection_name'],
        detection_score: -1.0,
        attribute_name: this.attribute(0.25),
      });
    }
    const pred: DetectionBoxJson[] = [];
    const minPred = shape.minPred ?? 0;
    const nPred = Math.min(shape.maxPred, minPred + Math.floor(this.rand() * (shape.maxPred - minPred + 1)));
    for (const g of gt) {
      if (pred.length >= nPred || this.rand() > 0.75) continue;
      pred.push(this.nearPrediction(token, g));
    }
    while (pred.length < nPred) pred.push(this.falsePositive(token));
    // Shuffle so matched and unmatched predictions interleave in file order.
    for (let i = pred.length - 1; i > 0; i--) {
      const j = Math.floor(this.rand() * (i + 1));
      [pred[i], pred[j]] = [pred[j], pred[i]];
    }
    return { gt, pred };
  }

  private nearPrediction(token: string, g: DetectionBoxJson): DetectionBoxJson {
    const [gx, gy, gz] = g.translation;
    let x: number;
    let y: number;
    if (Number.isInteger(gx) && this.rand() < 0.5) {
      // Exactly at a matching threshold: strict `<` must reject it.
      x = gx + this.pick(THRESHOLD_OFFSETS);
      y = gy;
    } else {
      const sigma = this.pick([0.1, 0.4, 1, 2.5]);
      x = gx + sigma * this.normal();
      y = gy + sigma * this.normal();
    }
    const gtYaw = 2 * Math.atan2(g.rotation[3], g.rotation[0]);
    const flip = g.detection_name === 'barrier' && this.rand() < 0.3 ? Math.PI : 0;
    const yaw = gtYaw + flip + (this.rand() < 0.3 ? 0 : 0.5 * this.normal());
    const s = g.size;
    return {
      sample_token: token,
      translation: [x, y, gz + 0.2 * this.normal()],
      size: [
        s[0] * (0.7 + 0.6 * this.rand()),
        s[1] * (0.7 + 0.6 * this.rand()),
        s[2] * (0.7 + 0.6 * this.rand()),
      ],
      rotation: this.rotation(yaw, true),
      velocity: this.velocity(0.05),
      detection_name: this.rand() < 0.9 ? g.detection_name : this.pick(DETECTION_NAMES),
      detection_score: this.score(),
      attribute_name: this.rand() < 0.6 ? g.attribute_name : this.attribute(0.2),
    };
  }

  private falsePositive(token: string): DetectionBoxJson {
    return {
      sample_token: token,
      translation: [60 * (this.rand() - 0.5), 60 * (this.rand() - 0.5), 2 * this.rand()],
      size: this.size(),
      rotation: this.rotation(2 * Math.PI * (this.rand() - 0.5), true),
      velocity: this.velocity(0.05),
      detection_name: this.pick(DETECTION_NAMES),
      detection_score: this.score() * 0.8,
      attribute_name: this.attribute(0.3),
    };
  }
}

/** Token of sample i, shaped like nuScenes' 32-hex tokens. */
export function sampleToken(seed: number, i: number): string {
  return `${seed.toString(16).padStart(8, '0')}${i.toString(16).padStart(24, '0')}`;
}

/** A whole case in memory: GT and predictions in the devkit's EvalBoxes form. */
export function randomCase(
  seed: number,
  samples: number,
  shape: SampleShape,
): { gt: Record<string, DetectionBoxJson[]>; pred: Record<string, DetectionBoxJson[]> } {
  const generator = new RandomSampleGenerator(seed);
  const gt: Record<string, DetectionBoxJson[]> = {};
  const pred: Record<string, DetectionBoxJson[]> = {};
  for (let i = 0; i < samples; i++) {
    const token = sampleToken(seed, i);
    const boxes = generator.sample(token, shape);
    gt[token] = boxes.gt;
    pred[token] = boxes.pred;
  }
  return { gt, pred };
}
