import type { Command } from 'commander';

/** `maktab backup`: not written yet. */
export function registerBackup(_program: Command): void {}
