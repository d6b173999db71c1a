import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerMissingGradients } from './gradients/register.ts';

// tfjs-core's Node bundle leaves gradients and chained ops (`x.add(y)`) to the umbrella @tensorflow/tfjs package,
// which we do not install. Their registration modules ship only as ES modules with extension-less imports, which
// tsx's require hook can load. They register through tfjs's global registries, so the engine shared with the
// bundle sees them.
const require = createRequire(import.meta.url);
require('@tensorflow/tfjs-core/dist/register_all_gradients');
require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');

registerMissingGradients();

export { tf };
