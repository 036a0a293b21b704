import { migrateDatabase } from '@cancelflow/service-kit';
import { databaseSettings } from './db/index.ts';

/** Runs the order schema's pending migrations (the test setup and startService call it). */
export async function migrate(databaseUrl: string): Promise<void> {
  await migrateDatabase(databaseSettings(databaseUrl));
}
