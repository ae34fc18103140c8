import type { Command } from 'commander';

/** `maktab seed`: not written yet. */
export function registerSeed(_program: Command): void {}
