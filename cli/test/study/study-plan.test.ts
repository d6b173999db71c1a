import assert from 'node:assert/strict';
import { BUDGETS } from '../../src/study/budgets.ts';
import { type FinetuneUnit, planStudy } from '../../src/study/study-plan.ts';

describe('study plan', () => {
  const units = planStudy('/s', BUDGETS.full, 6);
  const finetunes = units.filter((u): u is FinetuneUnit => u.kind === 'finetune');

  it('pretrains each pretrained arm once per pretraining seed, before any fine-tune', () => {
    const pre = units.filter((u) => u.kind === 'pretrain').map((u) => u.id);
    assert.deepEqual(pre, [
      'pretrain-spatial-seed1',
      'pretrain-spatial-seed2',
      'pretrain-mim4d-seed1',
      'pretrain-mim4d-seed2',
    ]);
    assert.ok(units.slice(0, 4).every((u) => u.kind === 'pretrain'));
  });

  it('runs 3 tasks x 4 arms x 6 paired runs, run j of every arm with the same fine-tune seed', () => {
    assert.equal(finetunes.length, 72);
    for (let run = 0; run < 6; run++) {
      const seeds = new Set(finetunes.filter((u) => u.run === run).map((u) => u.seed));
      assert.equal(seeds.size, 1, `run ${run}`);
    }
    assert.equal(new Set(finetunes.map((u) => u.seed)).size, 6);
  });

  it('starts the random arms from nothing and run j of a pretrained arm from pretraining seed j mod 2', () => {
    for (const u of finetunes) {
      if (u.arm === 'random' || u.arm === 'random-lr1') assert.equal(u.pretrain, null);
      else assert.equal(u.pretrain?.id, `pretrain-${u.arm}-seed${(u.run % 2) + 1}`);
    }
  });

  it('gives every unit its own folder', () => {
    assert.equal(new Set(units.map((u) => u.dir)).size, units.length);
  });
});
