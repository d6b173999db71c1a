// Plain JavaScript: a worker thread starts without the main thread's module hooks, so it registers tsx (both hooks:
// the tfjs runtime registers its gradients with require() of modules only tsx can load) before the TypeScript.
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

registerEsm();
registerCommonJs();
await import(new URL('./replica-worker.ts', import.meta.url).href);
