import { Client, Connection } from '@temporalio/client';
import type { TemporalSettings } from './config.ts';
import { clientInterceptors } from './temporal-telemetry.ts';

/**
 * The service's Temporal client. Its connection is made on first use and made again whenever
 * Temporal comes back, so a service starts while Temporal is away (answering /readyz 503 and its
 * processes' routes 503 "Temporal is unreachable") exactly as it carries on when Temporal goes away later.
 */
export async function connectTemporalClient(settings: TemporalSettings): Promise<Client> {
  const connection = Connection.lazy({ address: settings.address });
  return new Client({ connection, namespace: settings.namespace, interceptors: { workflow: clientInterceptors() } });
}
