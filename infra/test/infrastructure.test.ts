import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';

describe('test infrastructure', () => {
  it('hands every test file a running Temporal server, by inject and by TEMPORAL_ADDRESS', async () => {
    const address = inject('temporalAddress');
    expect(process.env.TEMPORAL_ADDRESS).toBe(address);

    const connection = await Connection.connect({ address });
    try {
      const client = new Client({ connection, namespace: inject('temporalNamespace') });
      const { namespaceInfo } = await client.workflowService.describeNamespace({ namespace: client.options.namespace });
      expect(namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  it('hands every test file the cancelflow PostgreSQL database, by inject and by DATABASE_URL', async () => {
    const databaseUrl = inject('databaseUrl');
    expect(process.env.DATABASE_URL).toBe(databaseUrl);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ one: number; database: string }>('select 1 as one, current_database() as database');
      expect(rows).toEqual([{ one: 1, database: 'cancelflow' }]);
    } finally {
      await client.end();
    }
  });
});
