import { strict as assert } from 'node:assert';
import { exampleCard } from '@mim4d/zoo/testing';
import type { ModelRecord, RevisionRecord } from '../../src/metadata/metadata-store.ts';
import type { RevisionId, Sha256Hex } from '../../src/names.ts';
import { modelPage } from '../../src/web/model-pages.ts';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the model page', () => {
  const model: ModelRecord = {
    namespace: 'team',
    name: 'tiny',
    private: false,
    createdAt: '2026-01-01T00:00:00Z',
    head: 'b'.repeat(40) as RevisionId,
  };
  const revision = (params: number): RevisionRecord => {
    const card = exampleCard();
    card.architecture.params = params;
    return {
      id: 'b'.repeat(40) as RevisionId,
      model,
      parent: null,
      createdAt: '2026-01-01T00:00:00Z',
      message: 'first',
      card,
      files: [{ path: 'backbone.onnx', sha256: 'c'.repeat(64) as Sha256Hex, sizeBytes: 1234 }],
    };
  };

  it('gives small and large parameter counts in units that show them', () => {
    assert.match(text(modelPage(model, revision(10_000), [], new Map())), /Parameters 10\.0 k/);
    assert.match(text(modelPage(model, revision(25_600_000), [], new Map())), /Parameters 25\.6 M/);
    assert.match(text(modelPage(model, revision(842), [], new Map())), /Parameters 842 /);
  });

  it("lists each ONNX artifact's inputs and outputs with dtype and shape", () => {
    const page = text(modelPage(model, revision(10_000), [], new Map()));
    assert.match(page, /backbone\.onnx/);
    assert.match(page, /input x float32 \[batch, 3\]/);
    assert.match(page, /output y float32 \[batch, 3\]/);
  });

  it('shows the command that pulls this exact revision', () => {
    assert.match(
      modelPage(model, revision(10_000), [], new Map()),
      new RegExp(`mim4d-zoo pull team/tiny@${'b'.repeat(40)}`),
    );
  });
});
