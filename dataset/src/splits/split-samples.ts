import type { NuScenes } from '../nuscenes/database.ts';
import type { SampleRecord } from '../nuscenes/tables.ts';

export interface SplitSamples {
  /** Samples of the listed scenes, in sample.json order. */
  readonly samples: readonly SampleRecord[];
  /** Listed scene names the dataset does not have (only with `allowMissing`). */
  readonly missingScenes: readonly string[];
}

/**
 * The samples of the scenes named in a split. A listed scene absent from the dataset is an error unless
 * `allowMissing` (e.g. a mini split checked against a partial download), in which case it is reported back.
 */
export function splitSamples(
  nusc: NuScenes,
  sceneNames: readonly string[],
  options: { readonly allowMissing?: boolean } = {},
): SplitSamples {
  const sceneTokens = new Map(nusc.tables.scene.map((s) => [s.name, s.token]));
  const missingScenes = sceneNames.filter((name) => !sceneTokens.has(name));
  if (missingScenes.length > 0 && !options.allowMissing) {
    const shown = missingScenes.slice(0, 10).join(', ') + (missingScenes.length > 10 ? ', ...' : '');
    throw new Error(
      `${missingScenes.length} of the split's ${sceneNames.length} scenes are not in ${nusc.tableRoot}/scene.json: ${shown}`,
    );
  }
  const wanted = new Set(sceneNames.flatMap((name) => sceneTokens.get(name) ?? []));
  return { samples: nusc.tables.sample.filter((s) => wanted.has(s.scene_token)), missingScenes };
}
