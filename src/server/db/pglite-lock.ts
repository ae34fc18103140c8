import fs from 'node:fs';
import path from 'node:path';

/** Raised when another live process holds the embedded database directory. */
export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by another Maktab process (pid ${pid}). ` +
        `Stop that process first, or point DATA_DIR at another directory.`,
    );
    this.name = 'DataDirBusyError';
  }
}

const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock file of an embedded database directory. PGlite has no lock of its own, so two processes
 * on one directory would corrupt it; and a process killed without `close()` leaves a `postmaster.pid`
 * that can hang the next start. A lock whose owner is dead is stale: it is taken over, and PGlite's
 * stale pid file removed with it. Returns the function that releases the lock.
 */
export function acquireDataDirLock(dataDir: string, pgDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'maktab.lock');
  if (heldHere.has(lockPath)) throw new DataDirBusyError(dataDir, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const owner = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DataDirBusyError(dataDir, owner);
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  // We hold the lock, so no live PGlite owns this directory: any postmaster.pid is left from a crash.
  fs.rmSync(path.join(pgDir, 'postmaster.pid'), { force: true });
  heldHere.add(lockPath);
  return () => {
    heldHere.delete(lockPath);
    fs.rmSync(lockPath, { force: true });
  };
}
