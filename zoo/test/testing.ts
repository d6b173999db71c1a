/** The fixtures @mim4d/zoo's tests share with the packages downstream, imported as `@mim4d/zoo/testing`. */
export * from './card/example-card.ts';
export * from './onnx/tiny-model.ts';
export * from './wire-shape.ts';
