// tfjs-core's Node bundle leaves gradients and chained ops (`x.add(y)`) to the umbrella @tensorflow/tfjs package,
// which we do not install. Their registration modules ship only as ES modules with extension-less imports: Node's
// ES loader cannot resolve those, tsx's require hook can, and a bundler inlines them. They register through tfjs's
// global registries, so the engine shared with tfjs-core's own bundle sees them. CommonJS on purpose: plain
// require() calls are what both tsx and esbuild follow.
require('@tensorflow/tfjs-core/dist/register_all_gradients');
require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');
