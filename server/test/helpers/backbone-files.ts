import { encodeTinyModel, exampleCard } from '@mim4d/zoo/testing';

/** A publishable revision: a tiny ONNX backbone, its config and a card that matches them. */
export function backboneRevision(config: object = { depth: 50 }) {
  return {
    files: {
      'backbone.onnx': encodeTinyModel(),
      'config.json': new TextEncoder().encode(JSON.stringify(config)),
    },
    card: exampleCard(),
  };
}
