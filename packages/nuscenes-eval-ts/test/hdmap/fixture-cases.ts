import { readFileSync } from 'node:fs';
import { lidarPolyline, type MapSample } from '../../src/index.ts';

interface VectorJson {
  pts: number[][];
  type: number;
  confidence_level?: number;
}

export interface ChamferCase {
  seed: number | string;
  gen_results: { sample_token?: string; vectors: VectorJson[] }[];
  annotations: { sample_token?: string; vectors: VectorJson[] }[];
  expected: Record<string, number>;
}

/** Cases of a fixture file, given relative to this folder. */
export function readChamferCases(relativePath: string): ChamferCase[] {
  const text = readFileSync(new URL(relativePath, import.meta.url), 'utf8');
  return (JSON.parse(text) as { cases: ChamferCase[] }).cases;
}

/** The fixture pairs result i with annotation i; a token is made up where the case has none. */
export function samplesOf(c: ChamferCase): MapSample[] {
  const xy = (pts: number[][]) => lidarPolyline(Float64Array.from(pts.flat()));
  return c.gen_results.map((r, i) => ({
    sampleToken: r.sample_token ?? `sample-${i}`,
    predictions: r.vectors.map((v) => ({
      classId: v.type,
      pts: xy(v.pts),
      score: v.confidence_level as number,
    })),
    groundTruth: c.annotations[i].vectors.map((v) => ({ classId: v.type, pts: xy(v.pts) })),
  }));
}
