import type { Database } from '@/server/db/database';

/** Placeholder until the seed lands: loads nothing. */
export async function seedIfEmpty(_database: Database, _options: { production: boolean; log: (message: string) => void }): Promise<void> {}
