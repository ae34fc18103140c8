import type { Command } from 'commander';

/** `maktab user`: not written yet. */
export function registerUser(_program: Command): void {}
