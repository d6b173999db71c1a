#!/usr/bin/env node
import { launch } from '@mim4d/compiled-bins';

await launch(import.meta.url, 'mim4d-zoo', './src/cli/main.ts');
