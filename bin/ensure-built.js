#!/usr/bin/env node
// `npm start`'s first step: builds the web app only when its sources changed since the last build (or there is
// none), so that a restart on a built tree goes straight to the server. `--root <dir>` checks another checkout.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleReason } from './build-stamp.js';

const args = process.argv.slice(2);
const at = args.indexOf('--root');
const root = path.resolve(
  at >= 0 && args[at + 1] ? args[at + 1] : fileURLToPath(new URL('..', import.meta.url)),
);

const reason = staleReason(root);
if (reason === null) {
  console.log('web build is up to date');
} else {
  console.log(`building the web app (${reason})`);
  const vitePackage = createRequire(path.join(root, 'package.json')).resolve('vite/package.json');
  const vite = path.join(path.dirname(vitePackage), 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
