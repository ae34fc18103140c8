// What the web build was made from, so that `npm start` rebuilds only when that changed (see ensure-built.js).
// The build writes a stamp beside dist/web: the project files it read (its modules, the config, the lock file)
// and a hash of their contents. A file added to the app counts once something imports it, which changes a file
// already listed.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The stamp's place, relative to the project: outside dist/web so that it is never served. */
export const STAMP_FILE = 'dist/web.stamp.json';

/** Inputs of every build besides its modules: the page, the build's configuration and the locked dependencies. */
export const FIXED_INPUTS = ['src/web/index.html', 'vite.config.ts', 'package-lock.json'];

/** A hash of the files' relative paths and contents; a missing file counts as absent (and changes the hash). */
export function hashInputs(root, files) {
  const hash = createHash('sha256');
  for (const file of [...new Set(files)].sort()) {
    hash.update(`${file}\0`);
    try {
      hash.update(fs.readFileSync(path.join(root, file)));
      hash.update('\0');
    } catch {
      hash.update('\0missing\0');
    }
  }
  return hash.digest('hex');
}

/** The project files among a build's module ids (no dependencies, no virtual modules), relative to the root. */
export function projectInputs(root, moduleIds) {
  const files = new Set(FIXED_INPUTS);
  for (const id of moduleIds) {
    const file = id.split('?')[0];
    if (!path.isAbsolute(file) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const relative = path.relative(root, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    files.add(relative.split(path.sep).join('/'));
  }
  return [...files].sort();
}

/** Writes the stamp of a build made from `inputs`. */
export function writeStamp(root, inputs) {
  const stamp = { inputs, hash: hashInputs(root, inputs) };
  fs.mkdirSync(path.dirname(path.join(root, STAMP_FILE)), { recursive: true });
  fs.writeFileSync(path.join(root, STAMP_FILE), `${JSON.stringify(stamp, null, 1)}\n`);
}

/** Removes the stamp (a build under way, or one that failed, is not a build to trust). */
export function removeStamp(root) {
  fs.rmSync(path.join(root, STAMP_FILE), { force: true });
}

/**
 * Why the web build in `root` must be made again, or null when it is up to date: no stamp, no built page,
 * or an input that changed since.
 */
export function staleReason(root) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(root, STAMP_FILE), 'utf8'));
  } catch {
    return 'no build stamp';
  }
  if (!fs.existsSync(path.join(root, 'dist/web/index.html'))) return 'no built index.html';
  if (!Array.isArray(stamp.inputs) || typeof stamp.hash !== 'string') return 'unreadable build stamp';
  if (hashInputs(root, stamp.inputs) !== stamp.hash) return 'sources changed';
  return null;
}
