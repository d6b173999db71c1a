/**
 * The nuScenes submission of a model run, built sample by sample: written to `results_nusc.json` as it grows
 * (a validation split's boxes do not fit in one JSON string) and collected into columns for scoring with the
 * same rules the results file would be loaded with.
 */
import { CAMERA_ONLY_META, type SubmissionBox } from '@mim4d/head-detection';
import { BoxCollector, DETECTION_CVPR_2019, type EvalBoxes } from 'nuscenes-eval-ts';
import { AtomicFileWriter } from '../cli/shared/atomic-file.ts';

export class SubmissionWriter {
  private samples = 0;
  private boxCount = 0;

  private constructor(
    private readonly file: AtomicFileWriter,
    private readonly collector: BoxCollector,
  ) {}

  static async open(path: string, meta: object = CAMERA_ONLY_META): Promise<SubmissionWriter> {
    const file = await AtomicFileWriter.open(path);
    await file.write(`{"meta":${JSON.stringify(meta)},"results":{`);
    const collector = new BoxCollector({
      source: path,
      pathPrefix: 'results',
      maxBoxesPerSample: DETECTION_CVPR_2019.max_boxes_per_sample,
    });
    return new SubmissionWriter(file, collector);
  }

  get path(): string {
    return this.file.dest;
  }

  get counts(): { samples: number; boxes: number } {
    return { samples: this.samples, boxes: this.boxCount };
  }

  async add(token: string, boxes: readonly SubmissionBox[]): Promise<void> {
    const entries = boxes.map((box) => ({ sample_token: token, ...box }));
    this.collector.addSample(token, entries);
    await this.file.write(
      `${this.samples === 0 ? '' : ','}\n${JSON.stringify(token)}:${JSON.stringify(entries)}`,
    );
    this.samples++;
    this.boxCount += boxes.length;
  }

  /** Publishes the file under its name and returns the boxes for scoring. */
  async finish(): Promise<EvalBoxes> {
    await this.file.write('\n}}\n');
    await this.file.commit();
    return this.collector.build();
  }

  async abort(): Promise<void> {
    await this.file.abort();
  }
}
