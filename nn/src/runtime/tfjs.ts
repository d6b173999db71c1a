import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import './tfjs-registrations.cjs';
import { registerMissingGradients } from './gradients/register.ts';

registerMissingGradients();

export { tf };
