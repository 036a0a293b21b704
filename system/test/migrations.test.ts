// The migrations table of a database that already ran a migration holds the name it ran under.
// Files and classes follow one scheme (NNNN-what-it-does.ts, MigrationNNNNWhatItDoes) in every
// service, but the recorded names stay as they were written when each migration shipped: a
// changed one would run that migration again on every existing database.

import { describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseSettings } from '@cancelflow/service-kit';
import { databaseSettings as notifications } from '@cancelflow/notification-service/db/index';
import { databaseSettings as orders } from '@cancelflow/order-service/db/index';
import { databaseSettings as payments } from '@cancelflow/payment-service/db/index';

/** What the migrations tables of existing databases hold, oldest first. Append only. */
const RECORDED: Record<string, { settings: (url: string) => DatabaseSettings; names: string[] }> = {
  orders: {
    settings: orders,
    names: [
      'Migration0001Orders',
      'Migration0002CancellationRequests',
      'Migration0003Shipments',
      'Migration0004CancellationUndo',
      'Migration0005CancelledButShippedReturn',
      'Migration0006OrderMoney',
      'Migration0007OrderConfirmationStarted',
      'Migration0008MerchantApi',
      'Migration0009StepsRecordedOnce',
      'Migration0010BulkCancellations',
      'Migration0011Webhooks',
      'Migration0012CancelledButShippedName',
    ],
  },
  payments: {
    settings: payments,
    names: [
      '20250101000000-create-payments',
      '20261122000000-undo-money',
      '20261122000100-cancelled-but-shipped',
      '20261122000200-self-service-acknowledgement',
      '20261202000000-provider-reconciliation',
      'Migration0006ImportedOrders',
      'Migration0007CancelledButShippedName',
    ],
  },
  notifications: {
    settings: notifications,
    names: [
      'Migration20261121000000_notifications',
      'Migration20261122000000_reply_watches',
      'Migration20261202000000_reply_verification',
      'Migration0004CancelledButShippedTemplates',
    ],
  },
};

const databaseUrl = () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run through the root vitest config');
  return url;
};

describe.each(Object.entries(RECORDED))('the %s schema', (schema, recorded) => {
  const settings = recorded.settings(databaseUrl());

  it('keeps every name its migrations were recorded under, oldest first; new ones only come after', () => {
    expect(settings.schema).toBe(schema);
    expect(settings.migrations.map((m) => m.name).slice(0, recorded.names.length)).toEqual(recorded.names);
  });

  it('names its migration classes MigrationNNNNWhatItDoes, numbered 0001 upwards in the order they run', () => {
    settings.migrations.forEach((migration, index) => {
      expect(migration.class.name).toMatch(new RegExp(`^Migration${String(index + 1).padStart(4, '0')}[A-Z][A-Za-z]*$`));
    });
  });

  it('a database that ran them has none pending: nothing runs twice', async () => {
    const orm = await openDatabase(settings);
    try {
      expect(await orm.migrator.getPending()).toEqual([]);
      const executed = (await orm.migrator.getExecuted()).map((m) => m.name);
      expect(executed.slice(0, recorded.names.length)).toEqual(recorded.names);
    } finally {
      await orm.close(true);
    }
  });
});
