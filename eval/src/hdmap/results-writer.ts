/**
 * MapTR's results file of a model run, written sample by sample as it grows (heads.md 3.1 Output):
 * `{meta, results: [{sample_token, vectors: [{pts, pts_num, cls_name, type, confidence_level}]}]}`.
 */
import type { PredictedVector } from '@mim4d/head-hdmap';
import { MAPTR_CLASSES } from 'nuscenes-eval-ts';
import { AtomicFileWriter } from '../cli/shared/atomic-file.ts';

const CAMERA_ONLY_META = {
  use_lidar: false,
  use_camera: true,
  use_radar: false,
  use_map: false,
  use_external: false,
};

export class MapResultsWriter {
  private samples = 0;

  private constructor(private readonly file: AtomicFileWriter) {}

  static async open(path: string): Promise<MapResultsWriter> {
    const file = await AtomicFileWriter.open(path);
    await file.write(`{"meta":${JSON.stringify(CAMERA_ONLY_META)},"results":[`);
    return new MapResultsWriter(file);
  }

  get path(): string {
    return this.file.dest;
  }

  async add(token: string, vectors: readonly PredictedVector[]): Promise<void> {
    const entry = {
      sample_token: token,
      vectors: vectors.map((v) => {
        const pts = Array.from({ length: v.pts.length / 2 }, (_, i) => [v.pts[2 * i], v.pts[2 * i + 1]]);
        return {
          pts,
          pts_num: pts.length,
          cls_name: MAPTR_CLASSES[v.classId],
          type: v.classId,
          confidence_level: v.score,
        };
      }),
    };
    await this.file.write(`${this.samples === 0 ? '' : ','}\n${JSON.stringify(entry)}`);
    this.samples++;
  }

  /** Publishes the file under its name. */
  async finish(): Promise<void> {
    await this.file.write('\n]}\n');
    await this.file.commit();
  }

  async abort(): Promise<void> {
    await this.file.abort();
  }
}
