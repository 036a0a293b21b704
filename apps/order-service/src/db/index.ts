import type { DatabaseSettings } from '@cancelflow/service-kit';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';

export const ORDER_SCHEMA = 'orders';

export const databaseSettings = (url: string): DatabaseSettings => ({
  url,
  schema: ORDER_SCHEMA,
  entities,
  migrations,
});
