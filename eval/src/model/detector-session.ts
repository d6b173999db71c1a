/** The detector graph in onnxruntime (onnx-session.ts): a batch of frames in, checked scores and boxes out. */
import { InputError } from '../cli/shared/exit-codes.ts';
import type { FrameBatch } from './frame-batch.ts';
import { OnnxSession } from './onnx-session.ts';

export interface DetectorOutputs {
  /** [batch, Q, labels] */
  scores: Float32Array;
  /** [batch, Q, 10] */
  boxes: Float32Array;
  queries: number;
  /** Seconds onnxruntime spent in the graph. */
  seconds: number;
}

export class DetectorSession {
  private constructor(
    private readonly session: OnnxSession,
    private readonly labels: number,
  ) {}

  static async open(onnxPath: string, intraOpThreads: number, labels: number): Promise<DetectorSession> {
    return new DetectorSession(await OnnxSession.open(onnxPath, intraOpThreads), labels);
  }

  /** Runs one batch; the batch's arrays are handed to the worker, so they cannot be read afterwards. */
  async run(batch: FrameBatch, cameras: number, height: number, width: number): Promise<DetectorOutputs> {
    const b = batch.tokens.length;
    const reply = await this.session.run(
      {
        images: { data: batch.images, dims: [b, cameras, height, width, 3] },
        ego_to_image: { data: batch.egoToImage, dims: [b, cameras, 4, 4] },
      },
      ['scores', 'boxes'],
    );
    const { scores, boxes } = reply.outputs;
    const queries = scores.dims[1];
    const shapesFit =
      scores.dims.length === 3 &&
      boxes.dims.length === 3 &&
      scores.dims[0] === b &&
      boxes.dims[0] === b &&
      scores.dims[2] === this.labels &&
      boxes.dims[1] === queries &&
      boxes.dims[2] === 10;
    if (!shapesFit) {
      throw new InputError(
        `${this.session.onnxPath}: not a detector: a batch of ${b} gave scores [${scores.dims.join(', ')}] and ` +
          `boxes [${boxes.dims.join(', ')}], expected [${b}, Q, ${this.labels}] and [${b}, Q, 10]`,
      );
    }
    return { scores: scores.data, boxes: boxes.data, queries, seconds: reply.seconds };
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
