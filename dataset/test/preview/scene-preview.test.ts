import assert from 'node:assert/strict';
import { MapExpansion } from '../../src/map/map-expansion.ts';
import { scenePreviewSpec } from '../../src/preview/scene-preview.ts';
import { TOY_LOCATION, toyMapJson } from '../map/toy-map.ts';

describe('scene preview', () => {
  it("shows the scene's description (light, traffic, scenery) under the route figures, wrapped between words", () => {
    const description =
      'Synthetic town, ego drives east at about 8.0 m/s, 120 agents (40 moving), low sun, traffic 1.3x usual, brick and glass buildings, 14 trees';
    const spec = scenePreviewSpec(
      {
        sceneToken: 's',
        name: 'scene-0001',
        location: TOY_LOCATION,
        description,
        poses: [
          { timeS: 0, x: 600, y: 1600, yawRad: 0 },
          { timeS: 1, x: 608, y: 1600, yawRad: 0 },
        ],
      },
      new MapExpansion(TOY_LOCATION, toyMapJson(), 'toy.json'),
    ) as { title: { subtitle: string[] } };
    const [figures, ...lines] = spec.title.subtitle;
    assert.match(figures, /^ego drove 8 m in 1\.0 s/);
    assert.ok(lines.length >= 2 && lines.every((l) => l.length <= 95), JSON.stringify(lines));
    assert.equal(lines.join(' '), description);
  });
});
