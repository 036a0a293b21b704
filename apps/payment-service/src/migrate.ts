import { migrateDatabase } from '@cancelflow/service-kit';
import { databaseSettings } from './db/index.ts';

/** Runs the pending migrations of the payments schema (safe to call from several processes). */
export async function migrate(databaseUrl: string): Promise<void> {
  await migrateDatabase(databaseSettings(databaseUrl));
}
