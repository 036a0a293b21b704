import type { DatabaseSettings } from '@cancelflow/service-kit';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';

export const PAYMENTS_SCHEMA = 'payments';

export const databaseSettings = (url: string): DatabaseSettings => ({
  url,
  schema: PAYMENTS_SCHEMA,
  entities,
  migrations,
});
