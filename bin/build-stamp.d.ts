export const STAMP_FILE: string;
export const FIXED_INPUTS: readonly string[];
export function hashInputs(root: string, files: Iterable<string>): string;
export function projectInputs(root: string, moduleIds: Iterable<string>): string[];
export function writeStamp(root: string, inputs: string[]): void;
export function removeStamp(root: string): void;
export function staleReason(root: string): string | null;
