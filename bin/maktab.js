#!/usr/bin/env node
// Runs the `maktab` command from its TypeScript source; tsx compiles on load, so there is no build step for the server.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
