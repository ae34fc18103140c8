#!/usr/bin/env node
// Runs a TypeScript file of the project (benchmarks, scripts) with the project's tsconfig.
import { register } from 'tsx/esm/api';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const file = process.argv[2];
if (!file) {
  console.error('usage: run-ts <file.ts> [args…]');
  process.exit(2);
}
await import(pathToFileURL(path.resolve(file)).href);
