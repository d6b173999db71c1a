import {
  lidarFrame,
  type MapTrGtVector,
  mapTrGtVectors,
  mapTrLidarToGlobal,
  type NuScenes,
} from '@mim4d/dataset';
import { type KeyFrameSample, KeyFrameSamples, type LidarPose, lidarPose, SampleMaps } from '@mim4d/finetune';
import { type HdMapConfig, patchSize } from '../config.ts';
import { type GtInstance, gtInstance, patchHalf } from './gt-orders.ts';

/** A sample's key-frame cameras with where its lidar-frame patch lies and its MapTR GT in that patch. */
export interface HdMapSample extends KeyFrameSample {
  pose: LidarPose;
  /** MapTR GT vectors in the head's patch: original vertices, lidar metres. */
  vectors: MapTrGtVector[];
  /** The same as training instances: each with its equivalent orders of P points. */
  instances: GtInstance[];
}

/** HD-map samples of a split: images decoded on demand and cached, GT built once per sample. */
export class HdMapSamples {
  private readonly frames: KeyFrameSamples;
  private readonly maps: SampleMaps;
  private readonly gt = new Map<string, { vectors: MapTrGtVector[]; instances: GtInstance[] }>();

  constructor(
    readonly nusc: NuScenes,
    readonly tokens: readonly string[],
    readonly config: HdMapConfig,
  ) {
    this.frames = new KeyFrameSamples(nusc, tokens, config.backbone.input);
    this.maps = new SampleMaps(nusc);
  }

  get count(): number {
    return this.tokens.length;
  }

  /** The MapTR GT of sample `index` in the head's patch; errors name the sample. */
  async groundTruth(index: number): Promise<{ vectors: MapTrGtVector[]; instances: GtInstance[] }> {
    const token = this.tokens[index];
    let gt = this.gt.get(token);
    if (gt === undefined) {
      const map = await this.maps.of(token);
      const { head } = this.config;
      try {
        const lidar = lidarFrame(this.nusc, token);
        const lidarToGlobal = mapTrLidarToGlobal(lidar.sensorToEgo, lidar.egoToGlobal);
        const vectors = mapTrGtVectors(map, lidarToGlobal, patchSize(head));
        gt = { vectors, instances: vectors.map((v) => gtInstance(v, head.points, patchHalf(head))) };
      } catch (error) {
        throw new Error(`sample ${token}: ${(error as Error).message}`);
      }
      this.gt.set(token, gt);
    }
    return gt;
  }

  async get(index: number): Promise<HdMapSample> {
    const sample = await this.frames.get(index);
    return {
      ...sample,
      pose: lidarPose(this.nusc, sample.token, sample.frame.egoToGlobal),
      ...(await this.groundTruth(index)),
    };
  }
}
