import { Client, Connection } from '@temporalio/client';
import type { TemporalSettings } from './config.ts';
import { clientInterceptors } from './temporal-telemetry.ts';

export async function connectTemporalClient(settings: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({ address: settings.address });
  return new Client({ connection, namespace: settings.namespace, interceptors: { workflow: clientInterceptors() } });
}
