#!/usr/bin/env node
// The sources are TypeScript; tsx compiles them on load so a fresh clone needs no build step. Both hooks are
// needed: the tfjs runtime registers its gradients with require() of TypeScript modules.
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

registerEsm();
registerCommonJs();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
