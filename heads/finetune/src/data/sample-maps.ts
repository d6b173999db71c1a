import { MapExpansion, type NuScenes } from '@mim4d/dataset';

/** The map expansion of each sample's log location, read from the dataroot once per location. */
export class SampleMaps {
  private readonly maps = new Map<string, Promise<MapExpansion>>();

  constructor(readonly nusc: NuScenes) {}

  /** The map of the sample's scene's log; errors name the sample. */
  async of(sampleToken: string): Promise<MapExpansion> {
    const sample = this.nusc.get('sample', sampleToken);
    const scene = this.nusc.get('scene', sample.scene_token);
    const location = this.nusc.get('log', scene.log_token).location;
    let map = this.maps.get(location);
    if (map === undefined) {
      map = MapExpansion.load(this.nusc.dataroot, location);
      this.maps.set(location, map);
      map.catch(() => this.maps.delete(location));
    }
    try {
      return await map;
    } catch (error) {
      throw new Error(`sample ${sampleToken}: ${(error as Error).message}`);
    }
  }
}
