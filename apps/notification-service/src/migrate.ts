import { migrateDatabase } from '@cancelflow/service-kit';
import { databaseSettings } from './db/index.ts';

/** Brings the notifications schema up to date; safe to run from several processes at once. */
export async function migrate(databaseUrl: string): Promise<void> {
  await migrateDatabase(databaseSettings(databaseUrl));
}
