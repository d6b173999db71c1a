import assert from 'node:assert/strict';
import { drawLighting, LIGHTING_KINDS } from '../../src/synth/lighting.ts';
import { Random } from '../../src/synth/random.ts';

describe('scene lighting', () => {
  it('varies between daylight, a low sun, overcast and dusk, nearly half of the scenes in daylight', () => {
    const random = new Random(1);
    const kinds = Array.from({ length: 400 }, () => drawLighting(random).kind);
    for (const kind of LIGHTING_KINDS) assert.ok(kinds.includes(kind), kind);
    const day = kinds.filter((k) => k === 'day').length / kinds.length;
    assert.ok(day > 0.38 && day < 0.52, `${day}`);
    const dusk = kinds.filter((k) => k === 'dusk').length / kinds.length;
    assert.ok(dusk > 0.1 && dusk < 0.2, `${dusk}`);
  });

  it('lights windows at dusk only', () => {
    const random = new Random(4);
    for (let i = 0; i < 200; i++) {
      const light = drawLighting(random);
      if (light.kind === 'dusk')
        assert.ok(light.windowsLit >= 0.35 && light.windowsLit <= 0.65, `${light.windowsLit}`);
      else assert.equal(light.windowsLit, 0, light.kind);
    }
  });

  it('always keeps some sunlight, so shading still tells a surface facing the sun from one facing away', () => {
    const random = new Random(2);
    for (let i = 0; i < 100; i++) {
      const light = drawLighting(random);
      assert.ok(
        light.boxDirect >= 0.25 && light.sun[2] > 0.1,
        `${light.kind}: ${light.boxDirect}, ${light.sun}`,
      );
      assert.ok(Math.abs(Math.hypot(...light.sun) - 1) < 1e-12);
    }
  });
});
